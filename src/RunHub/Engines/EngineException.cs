namespace RunHub.Engines;

/// <summary>
/// A typed engine failure: the RunningHub error code the task ends with, whether another attempt (on this or
/// another backend) may succeed, and, for a backend that is only busy (e.g. an upstream concurrency limit), how
/// long to wait before trying again — such a task goes back to the queue instead of failing.
/// </summary>
public sealed class EngineException(string errorCode, string message, bool retryable = false, TimeSpan? retryAfter = null)
    : Exception(message)
{
    public string ErrorCode { get; } = errorCode;
    public bool Retryable { get; } = retryable || retryAfter is not null;

    /// <summary>Set when the backend is busy rather than broken: wait this long, then try again.</summary>
    public TimeSpan? RetryAfter { get; } = retryAfter;

    /// <summary>The validation report of the backend (ComfyUI's <c>node_errors</c> shape), for <c>promptTips</c>.</summary>
    public string? NodeErrors { get; init; }

    /// <summary>
    /// The backend's own <c>error</c> object of that refusal (ComfyUI's <c>{type, message, details, extra_info}</c>, JSON),
    /// for <c>promptTips</c>; null when it gave none.
    /// </summary>
    public string? ValidationError { get; init; }

    /// <summary>
    /// When a workflow node raised: <c>{"node_id", "node_type", "exception_type", "exception_message"}</c> JSON, for the
    /// workflow API's <c>failedReason</c> (never the traceback).
    /// </summary>
    public string? Failure { get; init; }
}
