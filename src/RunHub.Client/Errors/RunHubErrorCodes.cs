namespace RunHub.Client;

/// <summary>
/// The error codes a <see cref="RunHubException"/> carries: RunningHub's own codes (strings such as <c>"1007"</c>)
/// and the SDK's codes for failures that never reached a RunningHub answer (<see cref="Network"/>,
/// <c>"HTTP 503"</c>, <see cref="InvalidResponse"/>, <see cref="WaitTimeout"/>). This is the one table of RunningHub's
/// codes: the RunHub server and its engines answer with these constants too.
/// </summary>
public static class RunHubErrorCodes
{
    /// <summary>Unknown error.</summary>
    public const string UnknownError = "1000";

    /// <summary>Unknown endpoint or bad path.</summary>
    public const string UnknownEndpoint = "1001";

    /// <summary>Missing, invalid or revoked API key.</summary>
    public const string InvalidApiKey = "1002";

    /// <summary>Rate limit exceeded (retryable).</summary>
    public const string RateLimited = "1003";

    /// <summary>Task not found, or not the caller's.</summary>
    public const string TaskNotFound = "1004";

    /// <summary>Internal server error (retryable).</summary>
    public const string InternalError = "1005";

    /// <summary>The task ran past the model's deadline.</summary>
    public const string TaskTimedOut = "1006";

    /// <summary>Parameter validation failed; the message names the field and the rule.</summary>
    public const string InvalidParameters = "1007";

    /// <summary>File too large.</summary>
    public const string FileTooLarge = "1008";

    /// <summary>HTTP method not supported.</summary>
    public const string MethodNotSupported = "1009";

    /// <summary>Service unavailable: no engine can serve the model right now (retryable).</summary>
    public const string ServiceUnavailable = "1010";

    /// <summary>System busy, the queue is full (retryable).</summary>
    public const string SystemBusy = "1011";

    /// <summary>Upstream engine error (retryable).</summary>
    public const string UpstreamError = "1012";

    /// <summary>An input file could not be fetched or decoded.</summary>
    public const string InputNotReadable = "1013";

    /// <summary>Generation failed (retryable: a new submit may succeed).</summary>
    public const string GenerationFailed = "1015";

    /// <summary>The backend refused the content (moderation). Not retryable.</summary>
    public const string ContentRefused = "1501";

    /// <summary>The upstream service timed out (retryable).</summary>
    public const string UpstreamTimeout = "1504";

    /// <summary>Per-account concurrency limit reached (retryable).</summary>
    public const string ConcurrencyLimit = "1520";

    /// <summary>The workflow API's (v1 envelope) TASK_QUEUE_MAXED: the account's concurrency limit (retryable).</summary>
    public const string QueueMaxed = "421";

    /// <summary>Wallet balance too low, or the task would pass the key's spend cap.</summary>
    public const string InsufficientBalance = "812";

    /// <summary>RunHub's code: the key may not use this model (its model allow-list, set with <c>runhub keys limits</c>, leaves it out). Not retryable.</summary>
    public const string ModelNotAllowed = "1014";

    // RunningHub's workflow and AI-app API (v1: /task/openapi/..., the {code, msg, data} envelope; docs/api.md). There
    // the code is a number and msg starts with RunningHub's name for it (WorkflowApiName), e.g. APIKEY_INVALID_NODE_INFO.

    /// <summary>PARAMS_INVALID: a required field is missing or malformed (the message names it).</summary>
    public const string ParamsInvalid = "301";

    /// <summary>WORKFLOW_NOT_EXISTS: no workflow is registered under that id.</summary>
    public const string WorkflowNotFound = "380";

    /// <summary>TASK_CREATE_FAILED_BY_NOT_ENOUGH_WALLET: the wallet cannot cover the task's reservation.</summary>
    public const string WalletTooLow = "416";

    /// <summary>VALIDATE_PROMPT_FAILED: a caller's own workflow graph is not a usable API-format graph.</summary>
    public const string WorkflowInvalid = "433";

    /// <summary>APIKEY_UNAUTHORIZED: the API key is missing, invalid or revoked.</summary>
    public const string ApiKeyUnauthorized = "802";

    /// <summary>APIKEY_INVALID_NODE_INFO: a nodeInfoList entry does not fit the workflow (the message names node and field).</summary>
    public const string InvalidNodeInfo = "803";

    /// <summary>APIKEY_TASK_IS_RUNNING: <c>/task/openapi/outputs</c> of a task that is still running (not an error).</summary>
    public const string TaskRunning = "804";

    /// <summary>APIKEY_TASK_STATUS_ERROR: <c>/task/openapi/outputs</c> of a task that failed; <c>data.failedReason</c> says why.</summary>
    public const string TaskFailed = "805";

    /// <summary>APIKEY_TASK_NOT_FOUND: no such task of this key's account.</summary>
    public const string TaskNotFoundV1 = "807";

    /// <summary>APIKEY_UPLOAD_FAILED: the upload was not a usable file.</summary>
    public const string UploadFailed = "808";

    /// <summary>APIKEY_FILE_SIZE_EXCEEDED: the upload is larger than the server accepts.</summary>
    public const string FileSizeExceeded = "809";

    /// <summary>APIKEY_TASK_IS_QUEUED: <c>/task/openapi/outputs</c> of a task still waiting in the queue (not an error).</summary>
    public const string TaskQueued = "813";

    /// <summary>WEBAPP_NOT_EXISTS: no AI app is registered under that id.</summary>
    public const string AppNotFound = "901";

    private static readonly Dictionary<string, string> WorkflowApiNames = new()
    {
        [ParamsInvalid] = "PARAMS_INVALID",
        [WorkflowNotFound] = "WORKFLOW_NOT_EXISTS",
        [WalletTooLow] = "TASK_CREATE_FAILED_BY_NOT_ENOUGH_WALLET",
        [QueueMaxed] = "TASK_QUEUE_MAXED",
        [WorkflowInvalid] = "VALIDATE_PROMPT_FAILED",
        [ApiKeyUnauthorized] = "APIKEY_UNAUTHORIZED",
        [InvalidNodeInfo] = "APIKEY_INVALID_NODE_INFO",
        [TaskRunning] = "APIKEY_TASK_IS_RUNNING",
        [TaskFailed] = "APIKEY_TASK_STATUS_ERROR",
        [TaskNotFoundV1] = "APIKEY_TASK_NOT_FOUND",
        [UploadFailed] = "APIKEY_UPLOAD_FAILED",
        [FileSizeExceeded] = "APIKEY_FILE_SIZE_EXCEEDED",
        [InsufficientBalance] = "CORPAPIKEY_INSUFFICIENT_FUNDS",
        [TaskQueued] = "APIKEY_TASK_IS_QUEUED",
        [AppNotFound] = "WEBAPP_NOT_EXISTS",
    };

    /// <summary>RunningHub's name of a workflow-API code (<c>"803"</c> → <c>APIKEY_INVALID_NODE_INFO</c>), or null.</summary>
    public static string? WorkflowApiName(string code) => WorkflowApiNames.GetValueOrDefault(code);

    /// <summary>
    /// SDK code: the request failed in transport (connection refused or reset, DNS failure, the per-request
    /// timeout). Retryable. On a submit the task may or may not exist (<see cref="RunHubException.OutcomeUnknown"/>).
    /// </summary>
    public const string Network = "network";

    /// <summary>SDK code: a successful HTTP status with a body that is not a RunningHub answer of the expected shape. Retryable.</summary>
    public const string InvalidResponse = "invalid-response";

    /// <summary>SDK code: a wait reached its deadline while the task was still running (<see cref="RunHubTimeoutException"/>).</summary>
    public const string WaitTimeout = "timeout";

    /// <summary>
    /// SDK code: a local file or folder named to the SDK cannot be used: an upload's file is missing or unreadable, or
    /// a download's folder cannot be written. Not retryable: nothing was sent (or nothing more is).
    /// </summary>
    public const string LocalFile = "local-file";

    // RunningHub's table: these say "try again later"; everything else (validation, auth, balance, not found,
    // moderation, bad input) fails the same way on every attempt.
    private static readonly HashSet<string> RetryableCodes =
        [RateLimited, InternalError, ServiceUnavailable, SystemBusy, UpstreamError, GenerationFailed, UpstreamTimeout, ConcurrencyLimit,
         Network, InvalidResponse, WaitTimeout];

    /// <summary>The SDK code for an HTTP status that carried no RunningHub error code, e.g. <c>"HTTP 503"</c>.</summary>
    public static string Http(int statusCode) => "HTTP " + statusCode.ToString(System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>
    /// Whether the same request may succeed later: RunningHub's transient codes (1003, 1005, 1010, 1011, 1012, 1015,
    /// 1504, 1520), HTTP 429 and 5xx, network failures, invalid responses and wait timeouts.
    /// </summary>
    public static bool IsRetryable(string errorCode)
    {
        ArgumentNullException.ThrowIfNull(errorCode);
        if (RetryableCodes.Contains(errorCode)) return true;
        if (!errorCode.StartsWith("HTTP ", StringComparison.Ordinal)) return false;
        return int.TryParse(errorCode.AsSpan(5), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var status)
            && (status == 429 || status >= 500);
    }
}
