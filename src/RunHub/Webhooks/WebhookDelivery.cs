namespace RunHub.Webhooks;

/// <summary>One webhook delivery: a task's end to send to one URL, its state and its last answer. Times are Unix ms.</summary>
public sealed record WebhookDelivery
{
    /// <summary>The delivery's id: RunningHub's <c>webhookId</c>, and the <c>webhook-id</c> header (<c>msg_</c> and it) on every send.</summary>
    public required string Id { get; init; }
    public required string TaskId { get; init; }
    public required string AccountId { get; init; }
    public required string Url { get; init; }
    /// <summary><see cref="WebhookStatuses"/>: PENDING (to be sent, or being sent), SUCCESS, FAILED.</summary>
    public required string Status { get; init; }
    /// <summary>Sends so far (since the last manual retry).</summary>
    public long Attempts { get; init; }
    /// <summary>When it is due next while PENDING.</summary>
    public long? NextAttemptAt { get; init; }
    /// <summary>The HTTP status of the last answer; null when the last send got none (timeout, refused address, connection error).</summary>
    public long? ResponseStatus { get; init; }
    /// <summary>The start of the last answer's body, or what went wrong.</summary>
    public string? Response { get; init; }
    public long CreatedAt { get; init; }
    public long UpdatedAt { get; init; }
    /// <summary>The masked key that submitted the task, when known.</summary>
    public string? KeyHint { get; init; }
}

/// <summary>The states of a <see cref="WebhookDelivery"/>.</summary>
public static class WebhookStatuses
{
    public const string Pending = "PENDING";
    public const string Success = "SUCCESS";
    public const string Failed = "FAILED";
}

/// <summary>A sender's claim on a due delivery: every write of its outcome is fenced by <see cref="Token"/>.</summary>
public sealed record DeliveryClaim(string Id, string TaskId, string AccountId, string Url, long Attempts, string Token);
