using System.Text.Json;
using Dapper;
using Microsoft.Extensions.Options;
using RunHub.Data;
using RunHub.Tasks;
using RunHub.Wire;

namespace RunHub.Files;

/// <summary>
/// How long stored files live (docs/retention.md). A successful task's result files are kept for the retention of
/// its account (<c>accounts.retention_ms</c>, else <see cref="RetentionOptions.Days"/>) after the task ended; an
/// upload for the uploader's retention after it was uploaded (a key uploaded again keeps the later expiry); a task's inline
/// inputs for its account's retention after the task ended, however it ended. The maintenance job then deletes the files from the store:
/// the task keeps its row, status and ledger lines, and is marked with when its files went (<c>files_expired_at</c>).
/// </summary>
public sealed class FileRetention(Database database, IFileStore files, IOptions<RunHubOptions> options, TimeProvider clock,
    ILogger<FileRetention> logger)
{
    /// <summary>The server's retention in ms.</summary>
    public long DefaultMs => ToMs(options.Value.Retention.Days);

    /// <summary>Days as ms.</summary>
    public static long ToMs(double days) => (long)(days * 86_400_000);

    /// <summary>
    /// Records an upload of <paramref name="size"/> bytes before its bytes are stored, with its expiry from now, unless
    /// it would give the account more uploads kept (not yet expired) than the MB it may keep: its own cap
    /// (<c>accounts.max_upload_mb</c>) or the server's <see cref="Limits.LimitsOptions.MaxUploadMbPerAccount"/>; 0 is none.
    /// The sum and the insert are one transaction under a lock on the account (and one on the key, which the deletion
    /// of an expired upload takes too), so uploads at once from one account, on any node, cannot pass the cap together.
    /// </summary>
    /// <returns>Null when recorded; else the refusal, and nothing was recorded.</returns>
    public Task<UploadOutcome.OverQuota?> RecordUploadAsync(string key, string accountId, long size, CancellationToken cancellationToken) =>
        database.InTransactionAsync(async (db, tx) =>
        {
            var now = clock.NowMs();
            await database.LockNameAsync(db, tx, "upload-quota:" + accountId);
            var own = await db.ExecuteScalarAsync<long?>("SELECT max_upload_mb FROM accounts WHERE id = @accountId", new { accountId }, tx);
            var limitMb = own ?? Math.Max(0, options.Value.Limits.MaxUploadMbPerAccount);
            if (limitMb > 0)
            {
                var (kept, nextExpiry) = await db.QuerySingleAsync<(long, long?)>(
                    "SELECT coalesce(sum(size), 0), min(expires_at) FROM uploads WHERE account_id = @accountId AND expires_at > @now",
                    new { accountId, now }, tx);
                if (kept + size > limitMb * 1048576) return new UploadOutcome.OverQuota(kept, size, limitMb, nextExpiry);
            }
            await database.LockNameAsync(db, tx, LockName(key));
            await db.ExecuteAsync(
                """
                INSERT INTO uploads (key, account_id, created_at, expires_at, size)
                VALUES (@key, @accountId, @now, @now + coalesce((SELECT retention_ms FROM accounts WHERE id = @accountId), @defaultMs), @size)
                ON CONFLICT (key) DO UPDATE SET account_id = excluded.account_id, created_at = excluded.created_at, size = excluded.size,
                    expires_at = CASE WHEN excluded.expires_at > uploads.expires_at THEN excluded.expires_at ELSE uploads.expires_at END
                """, new { key, accountId, now, defaultMs = DefaultMs, size }, tx);
            return (UploadOutcome.OverQuota?)null;
        }, cancellationToken);

    /// <summary>
    /// Takes back an upload recorded by <see cref="RecordUploadAsync"/> whose bytes could not be stored: its row goes, so
    /// its size no longer counts against its account, and whatever part of its file was written is deleted.
    /// </summary>
    public async Task ForgetUploadAsync(string key, CancellationToken cancellationToken)
    {
        await database.InTransactionAsync(async (db, tx) =>
        {
            await database.LockNameAsync(db, tx, LockName(key));
            await db.ExecuteAsync("DELETE FROM uploads WHERE key = @key", new { key }, tx);
            await files.DeleteAsync(key, cancellationToken);
            return 0;
        }, cancellationToken);
    }

    /// <summary>
    /// Deletes the result files of up to <paramref name="batchSize"/> tasks whose retention has passed, oldest first,
    /// and marks each task; how many tasks it handled. A delete that fails stops the batch (it is tried again on
    /// the next run: deletes may be repeated).
    /// </summary>
    public async Task<int> ExpireResultsAsync(int batchSize, CancellationToken cancellationToken)
    {
        var now = clock.NowMs();
        var defaultMs = DefaultMs;
        List<(string Id, string? Results)> due;
        await using (var db = await database.OpenAsync(cancellationToken))
        {
            // Only tasks older than the shortest retention in use can be due: that bound lets the partial index
            // (tasks_files_kept) skip every younger task before accounts' own retentions are looked at.
            var shortest = Math.Min(defaultMs, await db.ExecuteScalarAsync<long?>("SELECT min(retention_ms) FROM accounts") ?? defaultMs);
            due = (await db.QueryAsync<(string, string?)>(
                """
                SELECT t.id, t.results FROM tasks t JOIN accounts a ON a.id = t.account_id
                WHERE t.status = 'SUCCESS' AND t.files_expired_at IS NULL AND t.finished_at <= @bound
                    AND t.finished_at + coalesce(a.retention_ms, @defaultMs) <= @now
                ORDER BY t.finished_at LIMIT @batchSize
                """, new { bound = now - shortest, defaultMs, now, batchSize })).ToList();
        }
        foreach (var (id, results) in due)
        {
            foreach (var key in KeysOf(id, results)) await files.DeleteAsync(key, cancellationToken);
            await using var db = await database.OpenAsync(cancellationToken);
            await db.ExecuteAsync("UPDATE tasks SET files_expired_at = @now WHERE id = @id", new { now, id });
        }
        if (due.Count > 0) logger.LogInformation("Deleted the expired result files of {Count} tasks", due.Count);
        return due.Count;
    }

    /// <summary>Deletes up to <paramref name="batchSize"/> expired uploads, each under its key's lock; how many it deleted.</summary>
    public async Task<int> ExpireUploadsAsync(int batchSize, CancellationToken cancellationToken)
    {
        var now = clock.NowMs();
        List<string> due;
        await using (var db = await database.OpenAsync(cancellationToken))
            due = (await db.QueryAsync<string>("SELECT key FROM uploads WHERE expires_at <= @now ORDER BY expires_at LIMIT @batchSize",
                new { now, batchSize })).ToList();
        var deleted = 0;
        foreach (var key in due)
        {
            // The row goes with the file, in one transaction: when the delete fails, the row stays for the next run.
            deleted += await database.InTransactionAsync(async (db, tx) =>
            {
                await database.LockNameAsync(db, tx, LockName(key));
                if (await db.ExecuteAsync("DELETE FROM uploads WHERE key = @key AND expires_at <= @now", new { key, now }, tx) == 0) return 0;
                await files.DeleteAsync(key, cancellationToken);
                return 1;
            }, cancellationToken);
        }
        if (deleted > 0) logger.LogInformation("Deleted {Count} expired uploads", deleted);
        return due.Count;
    }

    /// <summary>
    /// Deletes the inline inputs (<c>task_inputs</c>: the rows, and the files of the large ones) of up to
    /// <paramref name="batchSize"/> inputs whose task ended (however it ended) longer ago than its account's retention,
    /// oldest first; how many it deleted. Files go first, then their rows: a delete that fails leaves the rows for the next run.
    /// </summary>
    public async Task<int> ExpireInputsAsync(int batchSize, CancellationToken cancellationToken)
    {
        var now = clock.NowMs();
        var defaultMs = DefaultMs;
        await using var db = await database.OpenAsync(cancellationToken);
        // An input is never older than its task's end: only those older than the shortest retention in use can be due.
        // A key begins with the time it was made, before its task's (Media.InlineInputs.StoreOneAsync), so the keys up to that
        // bound are one range of the primary key, read without looking at any younger input.
        var shortest = Math.Min(defaultMs, await db.ExecuteScalarAsync<long?>("SELECT min(retention_ms) FROM accounts") ?? defaultMs);
        var due = (await db.QueryAsync<(string Key, long IsFile)>(
            """
            SELECT i.key, CASE WHEN i.content IS NULL THEN 1 ELSE 0 END FROM task_inputs i
                JOIN tasks t ON t.id = i.task_id JOIN accounts a ON a.id = t.account_id
            WHERE i.key <= @bound AND t.finished_at IS NOT NULL AND t.finished_at + coalesce(a.retention_ms, @defaultMs) <= @now
            ORDER BY i.key LIMIT @batchSize
            """, new { bound = StoredInputs.LastKeyAt(now - shortest), defaultMs, now, batchSize })).ToList();
        foreach (var (key, _) in due.Where(d => d.IsFile == 1)) await files.DeleteAsync(key, cancellationToken);
        if (due.Count > 0)
        {
            // One statement per key (Dapper runs it for each), the same SQL on both stores.
            await db.ExecuteAsync("DELETE FROM task_inputs WHERE key = @Key", due.Select(d => new { d.Key }));
            logger.LogInformation("Deleted {Count} expired inline inputs", due.Count);
        }
        return due.Count;
    }

    private IEnumerable<string> KeysOf(string id, string? results)
    {
        try
        {
            return StoredResult.KeysIn(results);
        }
        catch (JsonException e)
        {
            // Not RunHub's own shape: nothing to delete can be named, and the task must not block every later run.
            logger.LogWarning(e, "Task {TaskId}: its results are not a list of stored files; none deleted", id);
            return [];
        }
    }

    private static string LockName(string key) => "runhub upload " + key;
}
