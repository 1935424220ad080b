using Dapper;
using RunHub.Data;

namespace RunHub.Limits;

/// <summary>
/// Reads and sets an account's own limits (<see cref="OwnLimits"/>, <c>accounts.max_running</c>,
/// <c>accounts.max_queued</c> and <c>accounts.max_upload_mb</c>), for <c>runhub accounts limits</c> (a RunHub extension,
/// docs/limits.md). Running servers apply a change to submits within <c>RunHub:KeyCacheSeconds</c>
/// (<see cref="AccountLimits"/>), and to their workers and uploads at once.
/// </summary>
public sealed class AccountLimitSettings(Database database)
{
    /// <summary>What <see cref="SetAsync"/> changes: a value (0 or more; 0 is no limit for this account) sets that limit, a Clear flag gives it the server's again, neither leaves it.</summary>
    public sealed record Change
    {
        public long? MaxRunning { get; init; }
        public bool ClearMaxRunning { get; init; }
        public long? MaxQueued { get; init; }
        public bool ClearMaxQueued { get; init; }
        /// <summary>MB of uploads the account may keep at once.</summary>
        public long? MaxUploadMb { get; init; }
        public bool ClearMaxUploadMb { get; init; }
    }

    /// <summary>The account's own limits (each null where it has the server's).</summary>
    /// <exception cref="KeyNotFoundException">There is no such account.</exception>
    public async Task<OwnLimits> FindAsync(string accountId) =>
        await database.ReadFirstAsync<OwnLimits>(OwnLimits.Select, ("accountId", accountId)) ?? throw new KeyNotFoundException($"no account {accountId}");

    /// <summary>Changes the account's own limits; what they are now.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A limit is below 0.</exception>
    /// <exception cref="KeyNotFoundException">There is no such account.</exception>
    public async Task<OwnLimits> SetAsync(string accountId, Change change)
    {
        if (change.MaxRunning < 0 || change.MaxQueued < 0 || change.MaxUploadMb < 0) throw new ArgumentOutOfRangeException(nameof(change), "a limit is 0 (none) or more");
        await using var db = await database.OpenAsync();
        var rows = await db.ExecuteAsync(
            """
            UPDATE accounts SET
                max_running = CASE WHEN @clearRunning THEN NULL ELSE coalesce(@running, max_running) END,
                max_queued = CASE WHEN @clearQueued THEN NULL ELSE coalesce(@queued, max_queued) END,
                max_upload_mb = CASE WHEN @clearUploads THEN NULL ELSE coalesce(@uploads, max_upload_mb) END
            WHERE id = @accountId
            """, new
            {
                accountId, running = change.MaxRunning, clearRunning = change.ClearMaxRunning, queued = change.MaxQueued, clearQueued = change.ClearMaxQueued,
                uploads = change.MaxUploadMb, clearUploads = change.ClearMaxUploadMb,
            });
        if (rows == 0) throw new KeyNotFoundException($"no account {accountId}");
        return await FindAsync(accountId);
    }
}
