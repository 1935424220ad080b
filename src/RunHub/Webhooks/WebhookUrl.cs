using System.Text.Json;
using RunHub.Media;

namespace RunHub.Webhooks;

/// <summary>What a <c>webhookUrl</c> must be: an absolute http(s) URL of at most 2048 characters, without user info.</summary>
public static class WebhookUrl
{
    public const string Field = "webhookUrl";
    public const int MaxLength = 2048;

    /// <summary>
    /// Null when <paramref name="url"/> can be used; otherwise why not, for a 1007 message. An address written in the
    /// URL is checked against the SSRF guard here already; host names are resolved and checked at every send.
    /// </summary>
    public static string? Problem(string url, NetworkPolicy policy)
    {
        if (url.Length > MaxLength) return $"{Field}: longer than {MaxLength} characters";
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https") || uri.IdnHost.Length == 0)
            return $"{Field}: '{Shorten(url)}' is not an absolute http or https URL";
        if (uri.UserInfo.Length > 0) return $"{Field}: must not carry a user name or password";
        if (GuardedConnector.LiteralAddress(uri.IdnHost) is { } address && policy.Refusal(address) is { } refusal)
            return $"{Field}: {refusal}{GuardedConnector.NotFetched}";
        return null;
    }

    /// <summary>
    /// The <c>webhookUrl</c> of a request body: (null, null) when absent, null or ""; (url, null) when usable;
    /// (null, why not) for a 1007 message when it is not a string or <see cref="Problem"/> refuses it.
    /// </summary>
    public static (string? Url, string? Problem) Read(JsonElement body, NetworkPolicy policy)
    {
        if (body.ValueKind != JsonValueKind.Object || !body.TryGetProperty(Field, out var hook) || hook.ValueKind == JsonValueKind.Null)
            return (null, null);
        if (hook.ValueKind != JsonValueKind.String) return (null, $"{Field}: expected a URL string");
        if (hook.GetString() is not { Length: > 0 } url) return (null, null);
        return Problem(url, policy) is { } problem ? (null, problem) : (url, null);
    }

    private static string Shorten(string text) => text.Length <= 80 ? text : text[..80] + "…";
}
