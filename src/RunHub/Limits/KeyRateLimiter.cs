using System.Collections.Concurrent;
using Dapper;
using RunHub.Data;

namespace RunHub.Limits;

/// <summary>
/// Requests per key and minute, counted in the database (<c>rate_windows</c>) so a limit holds across every node: a
/// window is one minute of the clock, and its count is the requests granted in it. A node takes a share of a key's
/// window at a time (a tenth of the limit, at least 1) and grants from it locally, so a busy key costs one write per
/// share, not per request: one take per key is in flight on a node at a time, and the requests that arrive while it is
/// wait for it. The database never grants more than the limit, so all nodes together never let more through; a share
/// a node did not use in its window is lost (the key then gets slightly fewer, never more).
/// </summary>
public sealed class KeyRateLimiter(Database database, TimeProvider clock)
{
    private const long WindowMs = 60_000;

    private readonly ConcurrentDictionary<string, KeyShare> _shares = new(StringComparer.Ordinal);

    /// <summary>
    /// Takes one request of the key's minute. Null when it may go ahead; otherwise how long until the next window
    /// begins (the caller's "retry in").
    /// </summary>
    /// <param name="limit">Requests per minute; more than 0.</param>
    public async ValueTask<TimeSpan?> TryAcquireAsync(string keyHash, long limit)
    {
        var share = _shares.GetOrAdd(keyHash, _ => new KeyShare());
        while (true)
        {
            var now = clock.NowMs();
            var window = now - now % WindowMs;
            TaskCompletionSource<long>? mine = null;
            Task<long>? running;
            lock (share)
            {
                if (share.TryTake(window, out var exhausted)) return null;
                if (exhausted) return TimeSpan.FromMilliseconds(window + WindowMs - now);
                running = share.TakeInFlight(window);
                if (running is null)
                {
                    mine = new TaskCompletionSource<long>(TaskCreationOptions.RunContinuationsAsynchronously);
                    share.StartTake(window, mine.Task);
                }
            }
            if (mine is null)
            {
                // Another request of this node is asking the database for this minute: wait for what it brings (or its
                // failure), then take from the share again.
                await running!;
                continue;
            }
            long granted;
            try
            {
                granted = await TakeAsync(keyHash, window, limit, Math.Max(1, limit / 10));
            }
            catch (Exception e)
            {
                lock (share) share.EndTake(mine.Task);
                mine.SetException(e);
                _ = mine.Task.Exception; // observed here when no other request waited for it
                throw;
            }
            KeyShare.Outcome outcome;
            lock (share)
            {
                outcome = share.Add(window, granted);
                share.EndTake(mine.Task);
            }
            mine.SetResult(granted);
            switch (outcome)
            {
                case KeyShare.Outcome.Granted:
                    return null;
                case KeyShare.Outcome.Refused:
                    return TimeSpan.FromMilliseconds(window + WindowMs - now);
            }
            // Nothing granted for a minute that has passed meanwhile: ask again in the current one.
        }
    }

    /// <summary>Takes up to <paramref name="wanted"/> of the window's requests left; how many were granted (0 when none are left).</summary>
    private Task<long> TakeAsync(string keyHash, long window, long limit, long wanted) =>
        database.InTransactionAsync(async (db, tx) =>
        {
            var args = new { keyHash, window, limit, wanted };
            var used = await db.QuerySingleOrDefaultAsync<long?>(
                $"SELECT used FROM rate_windows WHERE key_hash = @keyHash AND window_start = @window {database.Sql.RowLock}", args, tx);
            if (used is null)
            {
                // The key's first request of this window on any node: earlier windows are no longer needed.
                await db.ExecuteAsync("DELETE FROM rate_windows WHERE key_hash = @keyHash AND window_start < @window", args, tx);
                var take = Math.Min(wanted, limit);
                var inserted = await db.ExecuteAsync(
                    "INSERT INTO rate_windows (key_hash, window_start, used) VALUES (@keyHash, @window, @take) ON CONFLICT DO NOTHING",
                    new { keyHash, window, take }, tx);
                if (inserted == 1) return take;
                used = await db.QuerySingleAsync<long>(
                    $"SELECT used FROM rate_windows WHERE key_hash = @keyHash AND window_start = @window {database.Sql.RowLock}", args, tx);
            }
            var granted = Math.Min(wanted, Math.Max(0, limit - used.Value));
            if (granted > 0)
                await db.ExecuteAsync("UPDATE rate_windows SET used = used + @granted WHERE key_hash = @keyHash AND window_start = @window",
                    new { keyHash, window, granted }, tx);
            return granted;
        });
}
