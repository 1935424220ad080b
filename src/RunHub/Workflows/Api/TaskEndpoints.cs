using Microsoft.Extensions.Options;
using RunHub.Accounts;
using RunHub.Api;
using RunHub.Client;
using RunHub.Files;
using RunHub.Tasks;

namespace RunHub.Workflows.Api;

/// <summary>
/// The workflow API's calls about one task, each <c>{apiKey, taskId}</c>, for any task of the key's account (whichever
/// API created it): <c>POST /task/openapi/status</c> (a bare status in <c>data</c>), <c>POST /task/openapi/outputs</c>
/// (the files once done, else the state as a code: 813 queued, 804 running, 805 failed with <c>failedReason</c>) and
/// <c>POST /task/openapi/cancel</c>. Another account's task is not found (807), like a missing one.
/// </summary>
public static class TaskEndpoints
{
    public static async Task<Envelope<object>> StatusAsync(HttpRequest request, RequestKeys keys, TaskQueue queue, BodyLimits limits)
    {
        var (task, refusal) = await FindAsync(request, keys, queue, limits);
        return refusal ?? Envelope<object>.Success(WorkflowOutputs.Status(task!));
    }

    public static async Task<Envelope<object>> OutputsAsync(HttpRequest request, RequestKeys keys, TaskQueue queue,
        IOptions<RunHubOptions> options, FileLinks links, BodyLimits limits)
    {
        var (task, refusal) = await FindAsync(request, keys, queue, limits);
        return refusal ?? WorkflowOutputs.Of(task!, BaseUrl.FileUrls(request, options.Value, links));
    }

    public static async Task<Envelope<object>> CancelAsync(HttpRequest request, RequestKeys keys, TaskCancellation cancellation, BodyLimits limits)
    {
        var (call, refusal) = await WorkflowApiCall.ReadAsync(request, keys, limits, limits.Small);
        if (call is null) return refusal!;
        using (call)
        {
            var taskId = TaskIdField.Read(call.Root, out var error);
            if (taskId is null) return WorkflowApiAnswer.Error(RunHubErrorCodes.ParamsInvalid, error!);
            var result = await cancellation.RequestAsync(call.AccountId, taskId);
            return result.Outcome switch
            {
                CancelOutcome.NotFound => NotFound(taskId),
                CancelOutcome.AlreadyFinished when result.Task!.Status != TaskStatuses.Cancel =>
                    WorkflowApiAnswer.Error(RunHubErrorCodes.TaskFailed, $"task {taskId} already ended {result.Task.Status}; only a QUEUED or RUNNING task can be cancelled"),
                _ => new Envelope<object>(0, "success", null),
            };
        }
    }

    private static async Task<(TaskRecord? Task, Envelope<object>? Refusal)> FindAsync(HttpRequest request, RequestKeys keys, TaskQueue queue,
        BodyLimits limits)
    {
        var (call, refusal) = await WorkflowApiCall.ReadAsync(request, keys, limits, limits.Small);
        if (call is null) return (null, refusal);
        using (call)
        {
            var taskId = TaskIdField.Read(call.Root, out var error);
            if (taskId is null) return (null, WorkflowApiAnswer.Error(RunHubErrorCodes.ParamsInvalid, error!));
            var task = await queue.FindAsync(call.AccountId, taskId);
            return task is null ? (null, NotFound(taskId)) : (task, null);
        }
    }

    private static Envelope<object> NotFound(string taskId) =>
        WorkflowApiAnswer.Error(RunHubErrorCodes.TaskNotFoundV1, $"task {TaskIdField.Shorten(taskId)} not found");
}
