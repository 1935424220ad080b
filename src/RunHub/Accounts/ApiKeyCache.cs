using System.Collections.Concurrent;

namespace RunHub.Accounts;

/// <summary>
/// Live keys remembered for a short while, so most requests authenticate without a database read. A key
/// revoked in this process is forgotten at once; one revoked by another process (<c>runhub keys revoke</c>,
/// another node) stops working when its entry lapses, within <see cref="Lifetime"/>. Unknown keys are never
/// remembered, so random keys cannot fill the cache.
/// </summary>
public sealed class ApiKeyCache(TimeSpan lifetime, TimeProvider clock)
{
    private readonly ConcurrentDictionary<string, Entry> _entries = new(StringComparer.Ordinal);

    public TimeSpan Lifetime { get; } = lifetime;

    public bool TryGet(string keyHash, out string accountId)
    {
        accountId = "";
        if (!_entries.TryGetValue(keyHash, out var entry)) return false;
        if (clock.GetTimestamp() >= entry.ExpiresAt)
        {
            _entries.TryRemove(KeyValuePair.Create(keyHash, entry));
            return false;
        }
        accountId = entry.AccountId;
        return true;
    }

    public void Remember(string keyHash, string accountId)
    {
        if (Lifetime > TimeSpan.Zero)
            _entries[keyHash] = new Entry(accountId, clock.GetTimestamp() + (long)(Lifetime.TotalSeconds * clock.TimestampFrequency));
    }

    public void Forget(string keyHash) => _entries.TryRemove(keyHash, out _);

    /// <param name="ExpiresAt">In <see cref="TimeProvider.GetTimestamp"/> ticks.</param>
    private sealed record Entry(string AccountId, long ExpiresAt);
}
