namespace RunHub.Api;

/// <summary>RunningHub's error codes, sent as strings in <c>errorCode</c> (numbers in the <c>code</c> envelopes).</summary>
public static class ErrorCodes
{
    public const string Unknown = "1000";
    public const string UnknownEndpoint = "1001";
    public const string InvalidApiKey = "1002";
    public const string RateLimited = "1003";
    public const string TaskNotFound = "1004";
    public const string Internal = "1005";
    public const string TimedOut = "1006";
    public const string InvalidParameters = "1007";
    public const string FileTooLarge = "1008";
    public const string MethodNotAllowed = "1009";
    public const string ServiceUnavailable = "1010";
    public const string SystemBusy = "1011";
    public const string UpstreamError = "1012";
    public const string InputUnreadable = "1013";
    public const string GenerationFailed = "1015";
    public const string ConcurrencyLimit = "1520";
    public const string InsufficientBalance = "812";

    /// <summary>
    /// The message a refused request carries: the detail, led by a category for codes that no retry can fix.
    /// RunningHub's own ComfyUI client retries a refused submit unless the message names such a category
    /// ("unauthorized", "invalid parameter", "bad request", "balance"), so saying it spares it useless retries.
    /// </summary>
    public static string Message(string code, string detail) => code switch
    {
        InvalidApiKey => "unauthorized: " + detail,
        InvalidParameters => "invalid parameter: " + detail,
        UnknownEndpoint or MethodNotAllowed => "bad request: " + detail,
        _ => detail,
    };
}
