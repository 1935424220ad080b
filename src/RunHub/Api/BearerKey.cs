using Microsoft.Extensions.Primitives;

namespace RunHub.Api;

/// <summary>Reads the API key from <c>Authorization: Bearer KEY</c>.</summary>
public static class BearerKey
{
    public static string? From(HttpRequest request)
    {
        StringValues header = request.Headers.Authorization;
        var value = header.ToString().Trim();
        const string scheme = "Bearer ";
        return value.StartsWith(scheme, StringComparison.OrdinalIgnoreCase) ? value[scheme.Length..].Trim() : null;
    }

    public static string MissingMessage => "missing API key: send the header Authorization: Bearer <your 32-character key>";
    public static string InvalidMessage => "invalid or revoked API key";
}
