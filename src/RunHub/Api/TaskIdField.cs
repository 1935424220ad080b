using System.Text.Json;

namespace RunHub.Api;

/// <summary>The <c>{"taskId": "..."}</c> body of query and cancel.</summary>
public static class TaskIdField
{
    /// <summary>The task id, or null with the reason in <paramref name="error"/>.</summary>
    public static string? Read(JsonElement root, out string? error)
    {
        error = null;
        if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("taskId", out var idElement))
        {
            error = "taskId: required";
            return null;
        }
        var taskId = idElement.ValueKind switch
        {
            JsonValueKind.String => idElement.GetString(),
            // Clients that parsed an id as a number lose precision past 2^53; accept exact integers anyway.
            JsonValueKind.Number => idElement.GetRawText(),
            _ => null,
        };
        if (string.IsNullOrWhiteSpace(taskId))
        {
            error = "taskId: expected a task id string";
            return null;
        }
        return taskId.Trim();
    }

    public static string Shorten(string text) => text.Length <= 40 ? text : text[..40] + "…";
}
