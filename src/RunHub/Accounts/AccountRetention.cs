using Dapper;
using RunHub.Data;

namespace RunHub.Accounts;

/// <summary>
/// An account's own retention of result files and uploads (a RunHub extension, docs/retention.md), set with
/// <c>runhub accounts retention</c>. Stored in ms (<c>accounts.retention_ms</c>); none means the server's
/// <c>RunHub:Retention:Days</c>. It applies to the account's files still kept when it is set, at the next run of the
/// maintenance job (an upload's expiry is fixed when it is uploaded).
/// </summary>
public sealed class AccountRetention(Database database)
{
    /// <summary>The account's own retention in days, or null when it uses the server's.</summary>
    /// <exception cref="KeyNotFoundException">There is no such account.</exception>
    public async Task<double?> DaysAsync(string accountId)
    {
        await using var db = await database.OpenAsync();
        var row = await db.QuerySingleOrDefaultAsync<(string Id, long? RetentionMs)?>(
            "SELECT id, retention_ms FROM accounts WHERE id = @accountId", new { accountId });
        if (row is null) throw new KeyNotFoundException($"no account {accountId}");
        return row.Value.RetentionMs / 86_400_000d;
    }

    /// <summary>Sets the account's retention to <paramref name="days"/>, or back to the server's with null.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="days"/> is not more than 0 and at most <see cref="RunHubOptionsValidation.MaxRetentionDays"/>.</exception>
    /// <exception cref="KeyNotFoundException">There is no such account.</exception>
    public async Task SetAsync(string accountId, double? days)
    {
        if (days is { } d && !(d > 0 && d <= RunHubOptionsValidation.MaxRetentionDays))
            throw new ArgumentOutOfRangeException(nameof(days), $"a retention is more than 0 and at most {RunHubOptionsValidation.MaxRetentionDays} days");
        await using var db = await database.OpenAsync();
        var retentionMs = days is { } value ? Math.Max(1, (long)(value * 86_400_000)) : (long?)null;
        if (await db.ExecuteAsync("UPDATE accounts SET retention_ms = @retentionMs WHERE id = @accountId", new { retentionMs, accountId }) == 0)
            throw new KeyNotFoundException($"no account {accountId}");
    }
}
