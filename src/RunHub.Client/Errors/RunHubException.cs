namespace RunHub.Client;

/// <summary>
/// Any failure the SDK reports: a refusal by the server (its error code), a task that ended FAILED or CANCEL
/// (the task's error code, with <see cref="TaskId"/> and <see cref="TaskState"/>), or a transport failure
/// (<see cref="RunHubErrorCodes.Network"/>, <c>"HTTP 503"</c>, <see cref="RunHubErrorCodes.InvalidResponse"/>).
/// Cancellation by the caller is never wrapped: it surfaces as <see cref="OperationCanceledException"/>.
/// </summary>
public class RunHubException : Exception
{
    /// <summary>Creates an exception for an error code and the server's (or the SDK's) message.</summary>
    /// <param name="errorCode">RunningHub's code (e.g. <c>"1007"</c>) or one of the SDK's codes in <see cref="RunHubErrorCodes"/>.</param>
    /// <param name="errorMessage">What went wrong, as the server said it when it did.</param>
    /// <param name="taskId">The task concerned, when known.</param>
    /// <param name="innerException">The transport exception behind a network failure, if any.</param>
    public RunHubException(string errorCode, string errorMessage, string? taskId = null, Exception? innerException = null)
        : base(Describe(errorCode, errorMessage, taskId), innerException)
    {
        ErrorCode = errorCode;
        ErrorMessage = errorMessage;
        TaskId = string.IsNullOrEmpty(taskId) ? null : taskId;
        IsRetryable = RunHubErrorCodes.IsRetryable(errorCode);
    }

    /// <summary>RunningHub's error code (<c>"1007"</c>, <c>"812"</c>) or the SDK's (<c>"network"</c>, <c>"HTTP 503"</c>, <c>"invalid-response"</c>, <c>"timeout"</c>).</summary>
    public string ErrorCode { get; }

    /// <summary>The message as the server gave it (<see cref="Exception.Message"/> adds the code and the task id).</summary>
    public string ErrorMessage { get; }

    /// <summary>The task concerned, when known: the failed task, the task a query or wait was about.</summary>
    public string? TaskId { get; }

    /// <summary>Whether the same request may succeed if tried again later (see <see cref="RunHubErrorCodes.IsRetryable"/>).</summary>
    public bool IsRetryable { get; }

    /// <summary>The task as last seen, when the failure concerns a task (a FAILED task, a wait that timed out).</summary>
    public RunHubTask? TaskState { get; init; }

    /// <summary>
    /// True when a submit's answer was lost (network failure, timeout, 5xx without a task): a task may or may not
    /// have been created and charged. Submit again only with the same <see cref="IdempotencyKey"/>, and only to a
    /// server that honours <c>Idempotency-Key</c>.
    /// </summary>
    public bool OutcomeUnknown { get; init; }

    /// <summary>The <c>Idempotency-Key</c> a failed submit was sent with (every attempt used the same one).</summary>
    public string? IdempotencyKey { get; init; }

    private static string Describe(string errorCode, string errorMessage, string? taskId) =>
        string.IsNullOrEmpty(taskId)
            ? $"{errorMessage} [errorCode {errorCode}]"
            : $"{errorMessage} [errorCode {errorCode}, taskId {taskId}]";
}
