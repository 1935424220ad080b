using RunHub.Wire;

namespace RunHub.Api;

/// <summary>
/// Reads the API key from <c>Authorization: Bearer KEY</c>. The header is taken only when it came once
/// (<see cref="SingleValue"/>): joined from two lines (<c>Bearer a, Bearer b</c>) it is a key nobody holds, and refusing
/// that as an invalid key would send the caller looking at keys that are fine.
/// </summary>
public static class BearerKey
{
    /// <summary>The header's scheme word, in any case, then a space and the key.</summary>
    private const string Scheme = "Bearer";

    /// <summary>
    /// The key of the header: null when it is absent or not a Bearer key, and null with <paramref name="repeated"/>
    /// (the refusal's message, <c>Authorization: sent 2 times; send it once</c>) when it came on more than one line.
    /// </summary>
    public static string? From(HttpRequest request, out string? repeated)
    {
        if (SingleValue.Text(request.Headers.Authorization, "Authorization", out repeated) is not { } text) return null;
        var value = text.Trim();
        return value.StartsWith(Scheme + " ", StringComparison.OrdinalIgnoreCase) ? value[(Scheme.Length + 1)..].Trim() : null;
    }

    public static string MissingMessage => "missing API key: send the header Authorization: Bearer <your 32-character key>";

    /// <summary>
    /// Why the request has no Bearer key: <see cref="MissingMessage"/> without an <c>Authorization</c> header; with one, a
    /// message that says what is wrong with it (<c>Bearer</c> and no key, or not a Bearer key: a bare key, <c>Basic ...</c>),
    /// without repeating the header.
    /// </summary>
    public static string MissingMessageFor(HttpRequest request)
    {
        var value = request.Headers.Authorization.ToString().Trim();
        if (value.Length == 0) return MissingMessage;
        // What From reads as an empty key: the scheme and nothing after it (the header is trimmed).
        return value.Equals(Scheme, StringComparison.OrdinalIgnoreCase)
            ? "missing API key: the Authorization header has no key after Bearer; send Authorization: Bearer <your 32-character key>"
            : "missing API key: the Authorization header is not a Bearer key; send it as Authorization: Bearer <your 32-character key>";
    }

    public static string InvalidMessage => "invalid or revoked API key";

    /// <summary>When a call that takes a key refuses it, as the OpenAPI document's refusal lists say (1002; 802 on the v1 calls).</summary>
    public const string RefusedWhen = "missing, invalid or revoked key, or Authorization sent twice";
}
