using RunHub.Client;

namespace RunHub.Wire;

/// <summary>How RunHub words the <c>errorMessage</c> of a refusal.</summary>
public static class ErrorMessages
{
    /// <summary>
    /// The message a refused request carries: the detail, led by a category for codes that no retry can fix.
    /// RunningHub's own ComfyUI client retries a refused submit unless the message names such a category
    /// ("unauthorized", "invalid parameter", "bad request", "balance"), so saying it spares it useless retries.
    /// </summary>
    public static string Refusal(string code, string detail) => code switch
    {
        RunHubErrorCodes.InvalidApiKey => "unauthorized: " + detail,
        RunHubErrorCodes.InvalidParameters => "invalid parameter: " + detail,
        RunHubErrorCodes.UnknownEndpoint or RunHubErrorCodes.MethodNotSupported => "bad request: " + detail,
        _ => detail,
    };
}
