using RunHub.Client;
using Microsoft.Extensions.Options;
using RunHub.Accounts;
using RunHub.Files;
using RunHub.Tasks;

namespace RunHub.Api;

/// <summary>
/// <c>POST /openapi/v2/cancel {"taskId": "..."}</c> (a RunHub extension; RunningHub's v2 API has none): cancels one
/// of the key's own tasks and answers with its task object — <c>CANCEL</c> at once for a queued task, still
/// <c>RUNNING</c> for a running one until its worker has stopped it. A task already cancelled is answered as it is;
/// one that ended SUCCESS or FAILED is refused and left as it is.
/// </summary>
public static class CancelEndpoint
{
    public static async Task<TaskObject> Handle(HttpRequest request, RequestKeys keys, TaskCancellation cancellation,
        IOptions<RunHubOptions> options, FileLinks links, BodyLimits limits)
    {
        var (accountId, taskId, refusal) = await TaskRequest.ReadAsync(request, keys, limits);
        if (refusal is not null) return refusal;

        var result = await cancellation.RequestAsync(accountId, taskId);
        return result.Outcome switch
        {
            CancelOutcome.NotFound => TaskObject.Error(RunHubErrorCodes.TaskNotFound, $"task {TaskIdField.Shorten(taskId)} not found"),
            // Cancelling a cancelled task again changes nothing and says so: a client that lost the first answer may repeat it.
            CancelOutcome.AlreadyFinished when result.Task!.Status == TaskStatuses.Cancel => TaskObjectMapper.ToWire(result.Task, BaseUrl.FileUrls(request, options.Value, links)),
            CancelOutcome.AlreadyFinished => TaskObject.Error(RunHubErrorCodes.InvalidParameters,
                $"task {taskId} already ended {result.Task!.Status}; only a QUEUED or RUNNING task can be cancelled"),
            _ => TaskObjectMapper.ToWire(result.Task!, BaseUrl.FileUrls(request, options.Value, links)),
        };
    }
}
