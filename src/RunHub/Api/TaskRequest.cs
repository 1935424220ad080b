using RunHub.Client;

namespace RunHub.Api;

/// <summary>
/// A request about one task (<c>{"taskId": "..."}</c> with a Bearer key), as query and cancel read it: the key's
/// account and the task id, or (with both empty) the error object to answer with when the key or the body is wrong.
/// </summary>
public readonly record struct TaskRequest(string AccountId, string TaskId, TaskObject? Error)
{
    public static async ValueTask<TaskRequest> ReadAsync(HttpRequest request, RequestKeys keys, BodyLimits limits)
    {
        var key = await keys.CheckBearerAsync(request);
        if (key.Access is not { AccountId: var accountId }) return Refused(key.Code(RunHubErrorCodes.InvalidApiKey), key.Message);

        var body = await limits.ReadAsync(request, limits.Small);
        if (body.Error is not null) return Refused(body.ErrorCode!, body.Error);
        using var document = body.Document!;
        var taskId = TaskIdField.Read(document.RootElement, out var error);
        return taskId is null ? Refused(RunHubErrorCodes.InvalidParameters, error!) : new TaskRequest(accountId, taskId, null);
    }

    private static TaskRequest Refused(string code, string message) => new("", "", TaskObject.Error(code, message));
}
