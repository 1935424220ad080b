using System.Text.Json;
using Microsoft.Extensions.Options;
using RunHub.Api;
using RunHub.Files;
using RunHub.Tasks;
using RunHub.Wire;

namespace RunHub.Webhooks;

/// <summary>
/// The body RunHub POSTs when a task ends, in RunningHub's shape: <c>{"event": "TASK_END", "taskId": "...",
/// "eventData": "..."}</c>, where <c>eventData</c> is a JSON <em>string</em> holding what the task's own API answers
/// for it (RunningHub's workflow docs: "eventData has the same structure as the outputs answer"). For the standard
/// model API (v2) that is the task object of <c>/openapi/v2/query</c>; another API family plugs its own form in with an
/// <see cref="IWebhookEventData"/>. Result links are built on the base URL the task's client reached RunHub by.
/// </summary>
public sealed class WebhookPayloads(FileLinks links, IOptions<RunHubOptions> options, IEnumerable<IWebhookEventData> families)
{
    public const string TaskEndEvent = "TASK_END";

    private sealed record Body(string Event, string TaskId, string EventData);

    /// <summary>The JSON body of <paramref name="task"/>'s webhook.</summary>
    public string BodyOf(TaskRecord task) =>
        JsonSerializer.Serialize(new Body(TaskEndEvent, task.Id, EventDataOf(task)), WireJson.Options);

    /// <summary>The <c>eventData</c> string of <paramref name="task"/>'s webhook.</summary>
    public string EventDataOf(TaskRecord task)
    {
        var baseUrl = task.BaseUrl ?? options.Value.PublicBaseUrl?.TrimEnd('/') ?? "";
        Func<string, string> fileUrl = key => links.UrlOf(key, baseUrl);
        foreach (var family in families)
            if (family.EventDataOf(task, fileUrl) is { } own) return own;
        return JsonSerializer.Serialize(TaskObjectMapper.ToWire(task, fileUrl), WireJson.Options);
    }
}

/// <summary>
/// The <c>eventData</c> of another API family's tasks (RunningHub's workflow API, v1: the JSON string of its
/// <c>/task/openapi/outputs</c> answer, <c>{"code":0,"msg":"success","data":[{"fileUrl", "fileType", "taskCostTime",
/// "nodeId"}]}</c>). Register one with <c>services.AddSingleton&lt;IWebhookEventData, ...&gt;()</c>; tasks it answers
/// null for get the standard model API's task object.
/// </summary>
public interface IWebhookEventData
{
    /// <param name="fileUrl">The URL a client is given for a stored file, by key.</param>
    string? EventDataOf(TaskRecord task, Func<string, string> fileUrl);
}
