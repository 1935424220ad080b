using System.Collections.Concurrent;
using Dapper;
using Microsoft.Extensions.Options;
using RunHub.Data;

namespace RunHub.Limits;

/// <summary>
/// The queue limits each account is held to (<see cref="QueueLimits"/>): its own values from <c>accounts.max_running</c>
/// and <c>accounts.max_queued</c> over the server's <c>RunHub:Limits</c>. A submit reads them here, remembered for
/// <c>RunHub:KeyCacheSeconds</c> as a key is, so a change made by <c>runhub accounts limits</c> (another process) applies
/// to submits within that time; the workers' claim reads the running limit from the database every time
/// (<see cref="Tasks.TaskQueue.ClaimAsync"/>). The counts the limits are compared with are always the database's.
/// </summary>
public sealed class AccountLimits(Database database, IOptions<RunHubOptions> options, TimeProvider clock)
{
    private readonly ConcurrentDictionary<string, Entry> _entries = new(StringComparer.Ordinal);

    /// <summary>The server's own limits, for accounts without their own.</summary>
    public LimitsOptions Server => options.Value.Limits;

    /// <summary>The account's limits now; an unknown account has the server's.</summary>
    public async ValueTask<QueueLimits> ForAsync(string accountId)
    {
        var lifetime = options.Value.KeyCacheSeconds;
        if (lifetime > 0 && _entries.TryGetValue(accountId, out var entry) && clock.GetTimestamp() < entry.ExpiresAt) return entry.Limits;
        var own = await database.ReadFirstAsync<OwnLimits>(OwnLimits.Select, ("accountId", accountId));
        var limits = QueueLimits.Of(Server, own?.MaxRunning, own?.MaxQueued);
        if (lifetime > 0) _entries[accountId] = new Entry(limits, clock.GetTimestamp() + (long)(lifetime * clock.TimestampFrequency));
        return limits;
    }

    /// <summary>
    /// How many of the account's tasks may run at once, as <c>GET /openapi/v2/queue/status</c> reports it
    /// (<c>concurrentLimit</c>): its running limit when it has one. Without one every account may use all of a node's
    /// task workers (<c>RunHub:Queue:Workers</c>), so that is the figure given, never a 0 a client would read as
    /// "nothing may run".
    /// </summary>
    public async ValueTask<long> ReportedConcurrencyAsync(string accountId) =>
        (await ForAsync(accountId)).MaxRunning is > 0 and var limit ? limit : options.Value.Queue.Workers;

    /// <param name="ExpiresAt">In <see cref="TimeProvider.GetTimestamp"/> ticks.</param>
    private sealed record Entry(QueueLimits Limits, long ExpiresAt);
}

/// <summary>An account's own limits as stored (null: the server's; 0: none for this account): tasks running at once,
/// tasks waiting, and MB of uploads kept (<see cref="LimitsOptions.MaxUploadMbPerAccount"/>).</summary>
public sealed record OwnLimits(long? MaxRunning, long? MaxQueued, long? MaxUploadMb)
{
    internal const string Select =
        "SELECT max_running AS MaxRunning, max_queued AS MaxQueued, max_upload_mb AS MaxUploadMb FROM accounts WHERE id = @accountId";
}
