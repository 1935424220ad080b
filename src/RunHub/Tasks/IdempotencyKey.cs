using System.Security.Cryptography;
using System.Text;

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
}
