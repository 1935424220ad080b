using System.Collections.Concurrent;

namespace RunHub.Accounts;

/// <summary>
/// Live keys remembered for a short while, with their account and their own options, so most requests authenticate
/// without a database read. A key revoked in this process is forgotten at once; one revoked or changed by another
/// process (<c>runhub keys revoke</c>, <c>runhub keys limits</c>, another node) is seen when its entry lapses, within
/// <see cref="Lifetime"/>. Unknown keys are never remembered, so random keys cannot fill the cache.
/// </summary>
public sealed class ApiKeyCache(TimeSpan lifetime, TimeProvider clock)
{
    private readonly ConcurrentDictionary<string, Entry> _entries = new(StringComparer.Ordinal);

    public TimeSpan Lifetime { get; } = lifetime;

    /// <summary>The live key remembered for <paramref name="keyHash"/> (<see cref="ApiKey.Hash(string)"/>'s text, which need not be a string: a hit allocates nothing).</summary>
    public bool TryGet(ReadOnlySpan<char> keyHash, out KeyAccess access)
    {
        access = null!;
        if (!_entries.GetAlternateLookup<ReadOnlySpan<char>>().TryGetValue(keyHash, out var entry)) return false;
        if (clock.GetTimestamp() >= entry.ExpiresAt)
        {
            _entries.TryRemove(KeyValuePair.Create(entry.Access.KeyHash, entry));
            return false;
        }
        access = entry.Access;
        return true;
    }

    public void Remember(string keyHash, KeyAccess access)
    {
        if (Lifetime > TimeSpan.Zero)
            _entries[keyHash] = new Entry(access, clock.GetTimestamp() + (long)(Lifetime.TotalSeconds * clock.TimestampFrequency));
    }

    public void Forget(string keyHash) => _entries.TryRemove(keyHash, out _);

    /// <param name="ExpiresAt">In <see cref="TimeProvider.GetTimestamp"/> ticks.</param>
    private sealed record Entry(KeyAccess Access, long ExpiresAt);
}
