using RunHub.Client;
using System.Net;
using System.Text;
using System.Text.Json;
using RunHub.Api;

namespace RunHub.Engines.OpenAiImages;

/// <summary>
/// An error answer of the images API: HTTP status plus OpenAI's <c>{"error": {"message", "type", "param", "code"}}</c>,
/// read leniently (a proxy in front may answer HTML). Messages are cut short and never carry the API key.
/// </summary>
internal sealed record ImagesApiError(HttpStatusCode Status, string? Message, string? Type, string? Code, string? Param)
{
    /// <summary>Error bodies are small; anything past this is not worth reading.</summary>
    private const int MaxErrorBytes = 64 * 1024;

    private const int MaxMessageChars = 500;

    /// <summary>RunningHub's code for content refused by moderation.</summary>
    public const string ModerationRefused = RunHubErrorCodes.ContentRefused;

    public int StatusNumber => (int)Status;

    public bool IsModeration =>
        Code is "moderation_blocked" or "content_policy_violation" or "content_filter" ||
        Type is "image_generation_user_error" && Code is null;

    public bool IsQuotaExhausted => Code is "insufficient_quota" || Type is "insufficient_quota";

    public static async Task<ImagesApiError> ReadAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        byte[] body;
        try
        {
            await using var stream = await response.Content.ReadAsStreamAsync(cancellationToken);
            body = await BoundedBody.ReadPrefixAsync(stream, MaxErrorBytes, cancellationToken);
        }
        catch (Exception e) when (e is IOException or HttpRequestException)
        {
            body = [];
        }
        return Parse(response.StatusCode, body);
    }

    public static ImagesApiError Parse(HttpStatusCode status, byte[] body)
    {
        try
        {
            using var document = JsonDocument.Parse(body);
            if (document.RootElement.ValueKind == JsonValueKind.Object &&
                document.RootElement.TryGetProperty("error", out var error))
            {
                return error.ValueKind == JsonValueKind.Object
                    ? new ImagesApiError(status, Field(error, "message"), Field(error, "type"), Field(error, "code"), Field(error, "param"))
                    : new ImagesApiError(status, Field(document.RootElement, "error"), null, null, null);
            }
        }
        catch (JsonException)
        {
            // Not OpenAI's error shape: a gateway or proxy answered. Its status still says what happened.
        }
        return new ImagesApiError(status, null, null, null, null);
    }

    /// <summary>"HTTP 400 invalid_request_error/invalid_value (param size): message", with the key cut out of the message.</summary>
    public string Describe(string? apiKey, bool withMessage = true)
    {
        var text = new StringBuilder($"HTTP {StatusNumber}");
        var kind = string.Join('/', new[] { Type, Code }.Where(s => !string.IsNullOrEmpty(s)));
        if (kind.Length > 0) text.Append(' ').Append(kind);
        if (!string.IsNullOrEmpty(Param)) text.Append(" (param ").Append(Param).Append(')');
        if (withMessage && !string.IsNullOrWhiteSpace(Message)) text.Append(": ").Append(Redact(Message, apiKey));
        return text.ToString();
    }

    /// <summary>
    /// The engine failure for an answer that no retry of the same request can fix: moderation (1501), a refused key
    /// (1012, never the backend's message, which echoes part of the key), anything else the backend refused (1012).
    /// </summary>
    public EngineException ToFinalFailure(string? apiKey, string? apiKeyEnv)
    {
        if (IsModeration)
            return new EngineException(ModerationRefused, "the image backend's safety system refused the request: " + Describe(apiKey));
        return Status switch
        {
            HttpStatusCode.Unauthorized => new EngineException(RunHubErrorCodes.UpstreamError,
                $"the image backend refused its API key ({Describe(apiKey, withMessage: false)}); check the key in {apiKeyEnv ?? "the backend's apiKeyEnv setting"}"),
            HttpStatusCode.Forbidden => new EngineException(RunHubErrorCodes.UpstreamError,
                "the image backend does not allow this request for its key: " + Describe(apiKey)),
            HttpStatusCode.NotFound => new EngineException(RunHubErrorCodes.UpstreamError,
                "the image backend does not know this endpoint or model: " + Describe(apiKey)),
            _ => new EngineException(RunHubErrorCodes.UpstreamError, "the image backend refused the request: " + Describe(apiKey)),
        };
    }

    public static string Redact(string message, string? apiKey)
    {
        // Cut the key out before shortening, so a key split by the cut cannot survive in part.
        var text = string.IsNullOrEmpty(apiKey) ? message : message.Replace(apiKey, "[redacted]", StringComparison.Ordinal);
        return text.Length > MaxMessageChars ? text[..MaxMessageChars] + "…" : text;
    }

    private static string? Field(JsonElement obj, string name) =>
        obj.TryGetProperty(name, out var value) ? value.ValueKind switch
        {
            JsonValueKind.String => value.GetString(),
            JsonValueKind.Number => value.GetRawText(),
            _ => null,
        } : null;
}
