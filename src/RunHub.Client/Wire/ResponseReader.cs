using System.Text.Json;

namespace RunHub.Client;

/// <summary>
/// Takes RunningHub's envelopes off a response body. Three shapes are in use: the flat task object
/// (<c>{taskId, status, errorCode, errorMessage, results, ...}</c>), <c>{code, msg, data}</c> and
/// <c>{code, message, data}</c> (code 0 is success; <c>data</c> may itself be a task object).
/// </summary>
internal static class ResponseReader
{
    public static ServerAnswer Read(string body)
    {
        if (string.IsNullOrWhiteSpace(body)) return new ServerAnswer.Unreadable("empty body");
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(body);
        }
        catch (JsonException)
        {
            return new ServerAnswer.Unreadable("not JSON: " + Excerpt(body));
        }
        using (document)
            return Read(document.RootElement);
    }

    public static ServerAnswer Read(JsonElement root)
    {
        if (root.ValueKind != JsonValueKind.Object) return new ServerAnswer.Payload(root.Clone());
        if (TaskObjectReader.LooksLikeTask(root)) return FromTask(TaskObjectReader.Read(root));
        if (!JsonText.Has(root, "code")) return new ServerAnswer.Payload(root.Clone());

        var code = JsonText.Read(root, "code") ?? "";
        var message = JsonText.ReadFirst(root, "msg", "message") ?? "";
        if (code != "0")
            return new ServerAnswer.Refusal(code.Length > 0 ? code : RunHubErrorCodes.UnknownError, message.Length > 0 ? message : $"error code {code}");
        // A missing data stays Undefined (default), which no payload reader mistakes for a value.
        var data = root.TryGetProperty("data", out var value) ? value.Clone() : default;
        return TaskObjectReader.LooksLikeTask(data) ? FromTask(TaskObjectReader.Read(data)) : new ServerAnswer.Payload(data);
    }

    private static ServerAnswer FromTask(RunHubTask task)
    {
        // Without a task id an error is a refusal of the request itself: nothing was created.
        if (task.TaskId.Length == 0 && (task.ErrorCode.Length > 0 || task.ErrorMessage.Length > 0))
            return new ServerAnswer.Refusal(
                task.ErrorCode.Length > 0 ? task.ErrorCode : RunHubErrorCodes.UnknownError,
                task.ErrorMessage.Length > 0 ? task.ErrorMessage : $"error code {task.ErrorCode}");
        if (task.TaskId.Length == 0) return new ServerAnswer.Unreadable("a task object without a taskId or an error");
        return new ServerAnswer.TaskAnswer(task);
    }

    public static string Excerpt(string body) => body.Length <= 200 ? body : body[..200] + "…";
}
