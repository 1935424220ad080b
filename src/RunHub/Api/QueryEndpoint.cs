using Microsoft.Extensions.Options;
using RunHub.Accounts;
using RunHub.Storage;
using RunHub.Tasks;

namespace RunHub.Api;

/// <summary><c>POST /openapi/v2/query {"taskId": "..."}</c>: the task object, for the key's own tasks only.</summary>
public static class QueryEndpoint
{
    public static async Task<TaskObject> Handle(HttpRequest request, AccountDirectory accounts, TaskQueue queue, IOptions<RunHubOptions> options, FileLinks links)
    {
        var key = BearerKey.From(request);
        if (key is null) return TaskObject.Error(ErrorCodes.InvalidApiKey, BearerKey.MissingMessage);
        var accountId = accounts.Authenticate(key);
        if (accountId is null) return TaskObject.Error(ErrorCodes.InvalidApiKey, BearerKey.InvalidMessage);

        var body = await RequestBody.ReadJsonAsync(request);
        if (body.Error is not null) return TaskObject.Error(ErrorCodes.InvalidParameters, body.Error);
        using var document = body.Document!;
        var taskId = TaskIdField.Read(document.RootElement, out var error);
        if (taskId is null) return TaskObject.Error(ErrorCodes.InvalidParameters, error!);

        var task = queue.Find(accountId, taskId);
        return task is null
            ? TaskObject.Error(ErrorCodes.TaskNotFound, $"task {TaskIdField.Shorten(taskId)} not found")
            : TaskObjectMapper.ToWire(task, BaseUrl.FileUrls(request, options.Value, links));
    }
}
