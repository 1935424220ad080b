using RunHub.Client;
using Microsoft.Extensions.Options;
using RunHub.Accounts;
using RunHub.Files;
using RunHub.Tasks;

namespace RunHub.Api;

/// <summary>
/// <c>POST /openapi/v2/query {"taskId": "..."}</c>: the task object, for the key's own tasks only. A QUEUED task's
/// carries its place among its account's waiting tasks as <c>queuePosition</c> (RunHub extension; 1: the next of them
/// to start; docs/limits.md).
/// </summary>
public static class QueryEndpoint
{
    public static async ValueTask<TaskObject> Handle(HttpRequest request, RequestKeys keys, TaskQueue queue, IOptions<RunHubOptions> options, FileLinks links, BodyLimits limits)
    {
        var (accountId, taskId, refusal) = await TaskRequest.ReadAsync(request, keys, limits);
        if (refusal is not null) return refusal;

        var task = await queue.FindWithQueuePositionAsync(accountId, taskId);
        if (task is null) return TaskObject.Error(RunHubErrorCodes.TaskNotFound, $"task {TaskIdField.Shorten(taskId)} not found");
        // Result URLs are built only for a task that has results: most polls are of a task still waiting or running.
        var fileUrls = task.Results is null ? NoFiles : BaseUrl.FileUrls(request, options.Value, links);
        return TaskObjectMapper.ToWire(task, fileUrls) with { QueuePosition = task.QueuePosition };
    }

    private static readonly Func<string, string> NoFiles = key => throw new InvalidOperationException($"no results, so no URL for {key}");
}
