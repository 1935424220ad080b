using System.Security.Cryptography;
using System.Text;

namespace RunHub.Webhooks;

/// <summary>
/// Standard Webhooks signing (standardwebhooks.com, spec v1): a secret is <c>whsec_</c> followed by the base64 of its
/// key bytes; a message is signed as the base64 HMAC-SHA256 of <c>{webhook-id}.{webhook-timestamp}.{body}</c> with
/// that key, sent as <c>v1,&lt;signature&gt;</c> in <c>webhook-signature</c> (several, space-separated, while an
/// old secret is still valid after a rotation).
/// </summary>
public static class WebhookSignature
{
    public const string SecretPrefix = "whsec_";

    /// <summary>A new secret: <c>whsec_</c> and 32 random bytes in base64.</summary>
    public static string NewSecret() => SecretPrefix + Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));

    /// <summary>The <c>v1,&lt;base64&gt;</c> signature of one message.</summary>
    /// <param name="timestamp">The <c>webhook-timestamp</c> header: Unix seconds.</param>
    /// <exception cref="FormatException">The secret is not <c>whsec_</c> and base64.</exception>
    public static string Sign(string secret, string id, long timestamp, string body)
    {
        var key = Convert.FromBase64String(secret.StartsWith(SecretPrefix, StringComparison.Ordinal) ? secret[SecretPrefix.Length..] : secret);
        var signed = Encoding.UTF8.GetBytes($"{id}.{timestamp}.{body}");
        return "v1," + Convert.ToBase64String(HMACSHA256.HashData(key, signed));
    }

    /// <summary>
    /// The <c>webhook-signature</c> header: one signature per secret, space-separated. With more than one, the last is
    /// sent twice: the StandardWebhooks NuGet package (codefactors, 1.1.2) stops its loop before the last entry of
    /// the list, so without the repeat its users could not verify with the previous secret during a rotation.
    /// Receivers that check every entry, as the specification says, see one more copy and are unaffected.
    /// </summary>
    public static string Header(IEnumerable<string> secrets, string id, long timestamp, string body)
    {
        var signatures = secrets.Select(s => Sign(s, id, timestamp, body)).ToList();
        if (signatures.Count > 1) signatures.Add(signatures[^1]);
        return string.Join(' ', signatures);
    }
}
