using System.Globalization;
using System.Text.Json;

namespace RunHub.Client;

/// <summary>Reads <c>GET {base}/tasks</c>: <c>{code: 0, msg, data: {tasks: [task object + endpoint, createdAt, finishedAt], nextCursor}}</c>.</summary>
internal static class TaskListReader
{
    public static async Task<TaskListPage> GetAsync(ApiTransport transport, Uri endpoint, TaskListFilter filter, CancellationToken cancellationToken)
    {
        var url = new Uri(endpoint + QueryString(filter));
        var answer = await transport.SendAsync(new ApiCall
        {
            Operation = "list tasks",
            CreateRequest = () => new HttpRequestMessage(HttpMethod.Get, url),
            ExpectsTask = false,
            LostAnswerIsSafeToResend = true,
            PayloadIsValid = data => JsonText.Child(data, "tasks", JsonValueKind.Array).ValueKind == JsonValueKind.Array,
        }, cancellationToken).ConfigureAwait(false);
        var data = ((ServerAnswer.Payload)answer).Data;
        var tasks = JsonText.Child(data, "tasks", JsonValueKind.Array).EnumerateArray()
            .Where(t => t.ValueKind == JsonValueKind.Object)
            .Select(t => new ListedTask(TaskObjectReader.Read(t), JsonText.Read(t, "endpoint") ?? "",
                DateTimeOffset.FromUnixTimeMilliseconds(JsonText.Integer(t, "createdAt") ?? 0),
                JsonText.Integer(t, "finishedAt") is { } f ? DateTimeOffset.FromUnixTimeMilliseconds(f) : null))
            .ToList();
        return new TaskListPage(tasks, JsonText.Read(data, "nextCursor") is { Length: > 0 } next ? next : null);
    }

    private static string QueryString(TaskListFilter filter)
    {
        var parts = new List<string>();
        void Add(string name, string? value)
        {
            if (!string.IsNullOrEmpty(value)) parts.Add(name + "=" + Uri.EscapeDataString(value));
        }
        Add("endpoint", filter.Endpoint);
        Add("status", filter.Status);
        Add("since", filter.Since?.ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture));
        Add("before", filter.Before?.ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture));
        Add("limit", filter.Limit?.ToString(CultureInfo.InvariantCulture));
        Add("cursor", filter.Cursor);
        return parts.Count == 0 ? "" : "?" + string.Join("&", parts);
    }
}
