using System.Text.Json;
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
        var root = document.RootElement;
        if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("taskId", out var idElement))
            return TaskObject.Error(ErrorCodes.InvalidParameters, "taskId: required");
        var taskId = idElement.ValueKind switch
        {
            JsonValueKind.String => idElement.GetString(),
            // Clients that parsed an id as a number lose precision past 2^53; accept exact integers anyway.
            JsonValueKind.Number => idElement.GetRawText(),
            _ => null,
        };
        if (string.IsNullOrWhiteSpace(taskId)) return TaskObject.Error(ErrorCodes.InvalidParameters, "taskId: expected a task id string");

        var task = queue.Find(accountId, taskId.Trim());
        return task is null
            ? TaskObject.Error(ErrorCodes.TaskNotFound, $"task {Truncate(taskId)} not found")
            : TaskObjectMapper.ToWire(task, BaseUrl.FileUrls(request, options.Value, links));
    }

    private static string Truncate(string text) => text.Length <= 40 ? text : text[..40] + "…";
}
