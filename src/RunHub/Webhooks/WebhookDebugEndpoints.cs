using System.Globalization;
using System.Text.Json;
using Microsoft.Extensions.Options;
using RunHub.Accounts;
using RunHub.Api;
using RunHub.Client;
using RunHub.Media;
using RunHub.Tasks;
using RunHub.Workflows.Api;

namespace RunHub.Webhooks;

/// <summary>
/// RunningHub's webhook debugging calls (workflow API, v1: the key in the body as <c>apiKey</c> or as a Bearer header,
/// answers in <c>{code, msg, data}</c>): <c>POST /task/openapi/getWebhookDetail {taskId}</c> shows the latest delivery
/// of a task, <c>POST /task/openapi/retryWebhook {webhookId, webhookUrl?}</c> sends it again now (to a new URL when
/// given). Shapes as RunningHub's API documentation gives them.
/// </summary>
public static class WebhookDebugEndpoints
{
    /// <summary>RunningHub's webhook detail. Times are <c>yyyy-MM-ddTHH:mm:ss</c> in UTC.</summary>
    public sealed record WebhookDetail(string Id, string UserApiKey, string TaskId, string WebhookUrl, string EventData, string CallbackStatus,
        string CallbackResponse, long RetryCount, string CreateTime, string UpdateTime);

    public sealed record DetailBody(string ApiKey, string TaskId);

    public sealed record RetryBody(string ApiKey, string WebhookId, string? WebhookUrl);

    public static async Task<object> DetailAsync(HttpRequest request, RequestKeys keys, TaskQueue queue, WebhookDeliveries deliveries,
        WebhookPayloads payloads, BodyLimits limits)
    {
        var (accountId, body, refusal) = await ReadAsync(request, keys, limits);
        if (refusal is not null) return refusal;
        using var document = body!;
        var taskId = TaskIdField.Read(document.RootElement, out var error);
        if (taskId is null) return WorkflowApiAnswer.Error(RunHubErrorCodes.ParamsInvalid, error!);
        var task = await queue.FindAsync(accountId!, taskId);
        if (task is null) return WorkflowApiAnswer.Error(RunHubErrorCodes.TaskNotFoundV1, $"task {TaskIdField.Shorten(taskId)} not found");
        var delivery = await deliveries.LatestOfTaskAsync(accountId!, taskId);
        if (delivery is null) return Envelope<WebhookDetail>.Success(null!);
        return Envelope<WebhookDetail>.Success(new WebhookDetail(delivery.Id, delivery.KeyHint ?? "********************************", task.Id,
            delivery.Url, payloads.EventDataOf(task), delivery.Status, Answer(delivery), Math.Max(0, delivery.Attempts - 1),
            Time(delivery.CreatedAt), Time(delivery.UpdatedAt)));
    }

    public static async Task<object> RetryAsync(HttpRequest request, RequestKeys keys, WebhookDeliveries deliveries,
        TaskEndSignal signal, IOptions<RunHubOptions> options, BodyLimits limits)
    {
        var (accountId, body, refusal) = await ReadAsync(request, keys, limits);
        if (refusal is not null) return refusal;
        using var document = body!;
        var root = document.RootElement;
        var webhookId = root.TryGetProperty("webhookId", out var idElement)
            ? idElement.ValueKind switch { JsonValueKind.String => idElement.GetString(), JsonValueKind.Number => idElement.GetRawText(), _ => null }
            : null;
        if (string.IsNullOrWhiteSpace(webhookId)) return WorkflowApiAnswer.Error(RunHubErrorCodes.ParamsInvalid, "webhookId: required (the id getWebhookDetail gives)");
        string? newUrl = null;
        if (root.TryGetProperty(WebhookUrl.Field, out var urlElement) && urlElement.ValueKind == JsonValueKind.String && urlElement.GetString() is { Length: > 0 } url)
        {
            if (WebhookUrl.Problem(url, new NetworkPolicy(options.Value.Media)) is { } problem) return WorkflowApiAnswer.Error(RunHubErrorCodes.ParamsInvalid, problem);
            newUrl = url;
        }
        var (retried, sendingUntil) = await deliveries.RetryAsync(webhookId.Trim(), accountId, newUrl);
        if (sendingUntil is { } until) return WorkflowApiAnswer.Error(RunHubErrorCodes.ParamsInvalid, "webhookId: " + WebhookDeliveries.InFlight(until));
        if (retried is null)
            return WorkflowApiAnswer.Error(RunHubErrorCodes.ParamsInvalid, $"webhookId: no webhook {TaskIdField.Shorten(webhookId)} of this account");
        signal.Pulse();
        return Envelope<object>.Success(null!);
    }

    /// <summary>The key (Bearer header, else <c>apiKey</c> in the body) and the parsed body, or the refusal to answer.</summary>
    private static async Task<(string? AccountId, JsonDocument? Body, object? Refusal)> ReadAsync(HttpRequest request, RequestKeys keys, BodyLimits limits)
    {
        var parsed = await limits.ReadAsync(request, limits.Small);
        if (parsed.Error is not null) return (null, null, WorkflowApiAnswer.Error(parsed.ErrorCode!, parsed.Error));
        var document = parsed.Document!;
        var key = BearerKey.From(request, out var repeated);
        if (key is null && repeated is null && document.RootElement.ValueKind == JsonValueKind.Object &&
            (document.RootElement.TryGetProperty("apiKey", out var k) || document.RootElement.TryGetProperty("apikey", out k)) && k.ValueKind == JsonValueKind.String)
            key = k.GetString();
        var check = await keys.CheckAsync(request.HttpContext, key, "missing apiKey", repeated);
        if (check.Access is not { AccountId: var accountId })
        {
            document.Dispose();
            return (null, null, WorkflowApiAnswer.Error(check.Code(RunHubErrorCodes.ApiKeyUnauthorized), check.Message));
        }
        return (accountId, document, null);
    }

    private static string Answer(WebhookDelivery delivery) =>
        delivery.ResponseStatus is { } status ? $"HTTP {status.ToString(CultureInfo.InvariantCulture)}: {delivery.Response}" : delivery.Response ?? "";

    private static string Time(long unixMs) =>
        DateTimeOffset.FromUnixTimeMilliseconds(unixMs).UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ss", CultureInfo.InvariantCulture);
}
