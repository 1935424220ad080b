using Dapper;
using RunHub.Data;
using RunHub.Media;

namespace RunHub.Tasks;

/// <summary>
/// What the failed input fetches of each account cost: one row per task whose inputs could not all be fetched, with
/// how long the fetch held a worker (ms) and how many bytes it received. A failed task is refunded, so this is the
/// cost nobody paid for; per-account limits count it (<see cref="CostSinceAsync"/>). Rows older than
/// <see cref="Kept"/> are deleted as new ones of the account arrive.
/// </summary>
public sealed class FailedFetches(Database database, TimeProvider time)
{
    /// <summary>How long a failure is kept: 30 days.</summary>
    public static readonly TimeSpan Kept = TimeSpan.FromDays(30);

    /// <summary>Records one failed fetch of <paramref name="taskId"/>'s inputs; <paramref name="reason"/> is the task's error message.</summary>
    public async Task RecordAsync(string accountId, string taskId, FetchCost cost, string reason)
    {
        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        await using var db = database.Open();
        await using var tx = await db.BeginTransactionAsync();
        await db.ExecuteAsync(
            """
            INSERT INTO input_fetch_failures (account_id, task_id, fetch_ms, bytes, reason, created_at)
            VALUES (@accountId, @taskId, @fetchMs, @bytes, @reason, @now)
            """,
            new { accountId, taskId, fetchMs = cost.Milliseconds, bytes = cost.Bytes, reason = reason.Length > 500 ? reason[..500] : reason, now }, tx);
        await db.ExecuteAsync("DELETE FROM input_fetch_failures WHERE account_id = @accountId AND created_at < @cutoff",
            new { accountId, cutoff = now - (long)Kept.TotalMilliseconds }, tx);
        await tx.CommitAsync();
    }

    /// <summary>The failed fetches of <paramref name="accountId"/> since <paramref name="since"/>: how many, worker time (ms), bytes.</summary>
    public async Task<FailedFetchTotal> CostSinceAsync(string accountId, DateTimeOffset since)
    {
        await using var db = database.Open();
        var row = await db.QuerySingleAsync<(long Count, long Milliseconds, long Bytes)>(
            """
            SELECT count(*), CAST(coalesce(sum(fetch_ms), 0) AS BIGINT), CAST(coalesce(sum(bytes), 0) AS BIGINT)
            FROM input_fetch_failures WHERE account_id = @accountId AND created_at >= @since
            """, new { accountId, since = since.ToUnixTimeMilliseconds() });
        return new FailedFetchTotal(row.Count, row.Milliseconds, row.Bytes);
    }
}

/// <summary>A sum of failed fetches: how many, the worker time they held (ms), the bytes they received.</summary>
public sealed record FailedFetchTotal(long Count, long Milliseconds, long Bytes);
