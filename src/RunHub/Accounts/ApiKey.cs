using System.Security.Cryptography;
using System.Text;

namespace RunHub.Accounts;

/// <summary>
/// API keys: 32 lowercase hex characters, like RunningHub's. Only a SHA-256 hash is stored, so a copy of the
/// database does not hand out working keys; the plain key is shown once, when it is created.
/// </summary>
public static class ApiKey
{
    public static string Generate() => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));

    public static bool HasValidShape(string? key) =>
        key is { Length: 32 } && key.All(c => c is >= '0' and <= '9' or >= 'a' and <= 'f');

    public static string Hash(string key) => Convert.ToHexStringLower(SHA256.HashData(Encoding.ASCII.GetBytes(key)));

    /// <summary>What listings show: enough to tell keys apart, not enough to use one.</summary>
    public static string Mask(string key) => key[..4] + new string('*', 24) + key[^4..];
}
