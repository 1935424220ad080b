using System.Security.Cryptography;

namespace RunHub;

/// <summary>
/// Lowercase hex digits from the system's cryptographic generator (<see cref="RandomNumberGenerator"/>), for the
/// unguessable names and ids a submit or a claim makes: a task's client id, an inline input's name, an upload's key,
/// a result folder (whose links are the results' only guard), a lease's and a webhook delivery's token.
/// Each thread takes its digits from its own buffer of random bytes, refilled by one call of the generator every
/// <see cref="BufferBytes"/> bytes: on Linux each call of the generator is an OpenSSL call with its own <c>getpid</c>
/// system call, two of them per submit before this (2.5% of a submit's CPU, docs/performance.md). Every byte is used
/// once and cleared when taken, so the digits are exactly as unpredictable as the generator's own; nothing is shared
/// between threads. The buffer is pinned, so the collector never leaves an uncleared copy of it behind when it compacts.
/// </summary>
public static class RandomHex
{
    /// <summary>Bytes fetched from the generator at once, per thread (256 ids of 16 bytes).</summary>
    public const int BufferBytes = 4096;

    /// <summary>The most digits one call gives (64 random bytes).</summary>
    public const int MaxDigits = 128;

    [ThreadStatic] private static byte[]? t_buffer;
    [ThreadStatic] private static int t_left;

    /// <summary><paramref name="count"/> random lowercase hex digits (4 random bits each), e.g. 32 for a 128-bit id.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="count"/> is not 1 to <see cref="MaxDigits"/>.</exception>
    public static string Digits(int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(count);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(count, MaxDigits);
        Span<byte> bytes = stackalloc byte[(count + 1) / 2];
        Take(bytes);
        Span<char> digits = stackalloc char[bytes.Length * 2];
        Convert.TryToHexStringLower(bytes, digits, out _);
        CryptographicOperations.ZeroMemory(bytes);
        return new string(digits[..count]);
    }

    private static void Take(Span<byte> destination)
    {
        var buffer = t_buffer ??= GC.AllocateArray<byte>(BufferBytes, pinned: true);
        if (t_left < destination.Length)
        {
            RandomNumberGenerator.Fill(buffer);
            t_left = buffer.Length;
        }
        var taken = buffer.AsSpan(buffer.Length - t_left, destination.Length);
        taken.CopyTo(destination);
        CryptographicOperations.ZeroMemory(taken);
        t_left -= destination.Length;
    }
}
