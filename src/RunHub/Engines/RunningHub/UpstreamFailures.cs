using System.Net.Http;
using System.Text.Json;
using RunHub.Client;

namespace RunHub.Engines.RunningHub;

/// <summary>
/// Turns what the upstream RunningHub said into the task's failure. Upstream codes pass through unchanged, with
/// three exceptions: a busy upstream (421, 1520, 1003, 1011, HTTP 429) sends the task back to RunHub's queue;
/// a refused gateway key (1002) is RunHub's own configuration problem, not the caller's, so it becomes 1012;
/// and an answer that was lost or unreadable becomes 1012. The upstream key never appears in a message.
/// </summary>
internal sealed class UpstreamFailures(RunningHubSettings settings, string apiKey)
{
    // RunningHub's "try again later" codes as a refusal carries them (nothing was created upstream). 421 is
    // TASK_QUEUE_MAXED, the concurrency limit of the shared API, in the older {code, msg} envelope.
    private static readonly HashSet<string> BusyCodes = [RunHubErrorCodes.ConcurrencyLimit, RunHubErrorCodes.QueueMaxed, "HTTP 421", RunHubErrorCodes.RateLimited, RunHubErrorCodes.SystemBusy, "HTTP 429"];

    // The rest of RunningHub's transient codes: safe to try again when the submit was refused (nothing ran).
    private static readonly HashSet<string> TransientCodes = [RunHubErrorCodes.InternalError, RunHubErrorCodes.ServiceUnavailable, RunHubErrorCodes.UpstreamError, RunHubErrorCodes.GenerationFailed, RunHubErrorCodes.UpstreamTimeout];

    /// <summary>The submit failed. Only a refusal or an undelivered request may be tried again: a lost answer may hide a charged task.</summary>
    public EngineException SubmitFailed(RunHubException e)
    {
        if (e.TaskState is { } failedAtOnce) return TaskFailed(failedAtOnce);
        if (Common(e) is { } common) return common;
        if (IsLost(e))
            return NotDelivered(e)
                ? new EngineException(RunHubErrorCodes.UpstreamError, $"the upstream RunningHub could not be reached ({Clean(e.ErrorMessage)})", retryable: true)
                : new EngineException(RunHubErrorCodes.UpstreamError,
                    $"the upstream RunningHub's answer to the submit was lost ({Clean(e.ErrorMessage)}); a task may have been " +
                    "created and charged upstream, so it is not submitted again");
        return PassThrough(e.ErrorCode, e.ErrorMessage, TransientCodes.Contains(e.ErrorCode));
    }

    /// <summary>An upload failed. Uploads create nothing billable, so transport failures may be tried again.</summary>
    public EngineException UploadFailed(RunHubException e) =>
        Common(e) ?? (IsLost(e)
            ? new EngineException(RunHubErrorCodes.UpstreamError, $"uploading an input to the upstream RunningHub failed: {Clean(e.ErrorMessage)}", retryable: true)
            : PassThrough(e.ErrorCode, e.ErrorMessage, TransientCodes.Contains(e.ErrorCode)));

    /// <summary>
    /// A query was refused for good (e.g. 1004: the upstream no longer knows the task), or failed too often in a row.
    /// Not retryable: the upstream task may still be running and charged; a new one would be charged again.
    /// </summary>
    public EngineException QueryFailed(string upstreamTaskId, RunHubException e, int failures) =>
        IsAuth(e.ErrorCode)
            ? AuthRefused(e.ErrorMessage)
            : new EngineException(RunHubErrorCodes.UpstreamError,
                $"following upstream task {upstreamTaskId} failed{(failures > 1 ? $" {failures} times in a row" : "")} " +
                $"({Clean(e.ErrorCode)}: {Clean(e.ErrorMessage)}); it is not submitted again");

    /// <summary>Whether a failed query may simply be tried at the next poll.</summary>
    public static bool QueryMayRecover(RunHubException e) => e.IsRetryable && !IsAuth(e.ErrorCode);

    /// <summary>The upstream task ended FAILED or CANCEL.</summary>
    public EngineException TaskFailed(RunHubTask task)
    {
        var code = task.ErrorCode;
        if (IsAuth(code)) return AuthRefused(task.ErrorMessage);
        if (BusyCodes.Contains(code)) return Busy(code, task.ErrorMessage);
        if (code.Length == 0)
            return new EngineException(RunHubErrorCodes.UpstreamError, task.RawStatus.Equals("CANCEL", StringComparison.OrdinalIgnoreCase)
                ? $"upstream task {task.TaskId} was cancelled upstream"
                : $"upstream task {task.TaskId} ended {Clean(task.RawStatus)} without an error code");
        // A task that ran upstream is not retried here: a new upstream task is a new charge; the caller may resubmit.
        return PassThrough(code, task.ErrorMessage, retryable: false, NodeErrorsOf(task.PromptTips));
    }

    public EngineException Malformed(string what) => new(RunHubErrorCodes.UpstreamError, "the upstream RunningHub answered malformed: " + Clean(what));

    /// <summary>A message with the upstream key blotted out, should an answer ever echo it.</summary>
    public string Clean(string? text) =>
        string.IsNullOrEmpty(text) ? "" : apiKey.Length == 0 ? text : text.Replace(apiKey, "***", StringComparison.Ordinal);

    private EngineException? Common(RunHubException e)
    {
        if (IsAuth(e.ErrorCode)) return AuthRefused(e.ErrorMessage);
        if (BusyCodes.Contains(e.ErrorCode)) return Busy(e.ErrorCode, e.ErrorMessage);
        return null;
    }

    private EngineException Busy(string code, string message)
    {
        // HTTP 421 / 421 are the older spelling of the concurrency limit; 429 of the rate limit.
        var normalized = code switch { RunHubErrorCodes.QueueMaxed or "HTTP 421" => RunHubErrorCodes.ConcurrencyLimit, "HTTP 429" => RunHubErrorCodes.RateLimited, _ => code };
        return new EngineException(normalized, $"the upstream RunningHub is busy ({Clean(code)}: {Clean(message)})",
            retryAfter: settings.BusyRetryAfter);
    }

    private EngineException AuthRefused(string message) =>
        new(RunHubErrorCodes.UpstreamError, $"the upstream RunningHub at {settings.Root} refused the gateway's API key (from the environment variable " +
            $"{settings.ApiKeyEnv}): {Clean(message)}");

    private EngineException PassThrough(string code, string message, bool retryable, string? nodeErrors = null) =>
        new(code, message.Length > 0 ? Clean(message) : $"upstream error {Clean(code)}", retryable) { NodeErrors = nodeErrors };

    private static bool IsAuth(string code) => code is RunHubErrorCodes.InvalidApiKey or "HTTP 401" or "HTTP 403";

    /// <summary>No answer, an unreadable one, or a 5xx without a RunningHub code: the outcome of the call is unknown.</summary>
    private static bool IsLost(RunHubException e) =>
        e.ErrorCode is RunHubErrorCodes.Network or RunHubErrorCodes.InvalidResponse
        || (e.ErrorCode.StartsWith("HTTP 5", StringComparison.Ordinal));

    /// <summary>The connection was never made (refused, no DNS, TLS failed): the request certainly did not arrive.</summary>
    private static bool NotDelivered(RunHubException e)
    {
        for (Exception? inner = e.InnerException; inner is not null; inner = inner.InnerException)
            if (inner is HttpRequestException { HttpRequestError: HttpRequestError.ConnectionError or HttpRequestError.NameResolutionError or HttpRequestError.SecureConnectionError })
                return true;
        return false;
    }

    /// <summary>The upstream's ComfyUI-style <c>node_errors</c>, when its promptTips carry any.</summary>
    private static string? NodeErrorsOf(string? promptTips)
    {
        if (string.IsNullOrWhiteSpace(promptTips)) return null;
        try
        {
            using var tips = JsonDocument.Parse(promptTips);
            return tips.RootElement.ValueKind == JsonValueKind.Object
                && tips.RootElement.TryGetProperty("node_errors", out var errors)
                && errors.ValueKind == JsonValueKind.Object && errors.EnumerateObject().Any()
                ? errors.GetRawText()
                : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
