using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Primitives;
using RunHub.Wire;

namespace RunHub.Tasks;

/// <summary>
/// A client's <c>Idempotency-Key</c> with the fingerprint of the request it came with (Stripe's semantics):
/// within <see cref="Lifetime"/>, the same key and the same request return the task it created; the same key
/// with a different request is refused.
/// </summary>
public sealed record IdempotencyKey(string Key, string RequestHash)
{
    public const string Header = "Idempotency-Key";
    public static readonly TimeSpan Lifetime = TimeSpan.FromHours(24);

    /// <summary>
    /// The text of the request's <c>Idempotency-Key</c> header: "" when it is absent, null with <paramref name="error"/> when
    /// it came more than once (<see cref="SingleValue"/>: two headers <c>a</c> and <c>b</c> would otherwise be one key <c>a,b</c>).
    /// </summary>
    public static string? HeaderText(StringValues header, out string? error) => SingleValue.Text(header, Header, out error);

    /// <summary>Null and an error when the header value is not 1 to 255 printable ASCII characters.</summary>
    public static IdempotencyKey? From(string key, string endpoint, string canonicalParameters, out string? error)
    {
        error = key.Length is 0 or > 255 || key.Any(c => c is < '!' or > '~')
            ? $"{Header}: expected 1 to 255 printable ASCII characters without spaces"
            : null;
        if (error is not null) return null;
        var hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(endpoint + "\n" + canonicalParameters)));
        return new IdempotencyKey(key, hash);
    }

    /// <summary>The refusal of this key sent again with another request (the key shortened to 80 characters).</summary>
    public string ReusedMessage => $"{Header} '{Catalog.JsonValueText.Cap(Key, 80)}' was already used with a different request; use a new key for a new request";

    /// <summary>The answer header that marks a task returned for a repeated request: <c>Idempotent-Replayed: true</c>.</summary>
    public const string ReplayedHeader = "Idempotent-Replayed";
}
