using System.Buffers;
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

    private static readonly SearchValues<char> LowerHex = SearchValues.Create("0123456789abcdef");

    /// <summary>The length of <see cref="Hash(string)"/>'s text: SHA-256 in lowercase hex, 64 characters.</summary>
    public const int HashLength = 2 * SHA256.HashSizeInBytes;

    public static bool HasValidShape(string? key) => key is { Length: 32 } && !key.AsSpan().ContainsAnyExcept(LowerHex);

    /// <summary>The stored form of <paramref name="key"/>: its SHA-256 (of its ASCII bytes) in lowercase hex.</summary>
    public static string Hash(string key)
    {
        Span<char> hash = stackalloc char[HashLength];
        Hash(key, hash);
        return new string(hash);
    }

    /// <summary><see cref="Hash(string)"/> written into <paramref name="hash"/> (<see cref="HashLength"/> characters), for a lookup that allocates nothing.</summary>
    public static void Hash(string key, Span<char> hash)
    {
        var ascii = key.Length <= 256 ? stackalloc byte[key.Length] : new byte[key.Length];
        Encoding.ASCII.GetBytes(key, ascii);
        Span<byte> digest = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(ascii, digest);
        Convert.TryToHexStringLower(digest, hash, out _);
    }

    /// <summary>What listings show: enough to tell keys apart, not enough to use one.</summary>
    public static string Mask(string key) => key[..4] + new string('*', 24) + key[^4..];

    /// <summary>
    /// A masked key as people type it ("46eb****0634", any number of <c>*</c>) in the form <see cref="Mask"/> gives,
    /// or null when <paramref name="text"/> is not a masked key.
    /// </summary>
    public static string? NormalizeHint(string text)
    {
        var stars = text.Length - 8;
        if (stars < 1 || !IsHex(text.AsSpan(0, 4)) || !IsHex(text.AsSpan(text.Length - 4)) || text.AsSpan(4, stars).ContainsAnyExcept('*'))
            return null;
        return text[..4] + new string('*', 24) + text[^4..];
    }

    private static bool IsHex(ReadOnlySpan<char> text) => !text.ContainsAnyExcept("0123456789abcdef");
}
