using Dapper;
using RunHub.Accounts;
using RunHub.Data;
using RunHub.Files;

namespace RunHub.Tasks;

/// <summary>
/// A caller's request to cancel a task (a RunHub extension). A QUEUED task ends CANCEL at once with its charge
/// released, and its inline inputs are deleted with it (rows in the same transaction, files after it): nothing will
/// ever read them, and kept for the retention they would be storage a caller gets for free by submitting and cancelling.
/// A RUNNING one is flagged, and its worker — on whichever node — sees the flag at its next lease renewal, stops the
/// engine and ends the task CANCEL (its inputs then expire with it, docs/retention.md). A finished task is left as it is.
/// </summary>
/// <param name="files">Where inline inputs too large for the database are stored.</param>
/// <param name="ended">Told when a cancel committed a webhook delivery (the senders' wake-up), or null.</param>
public sealed class TaskCancellation(Database database, IFileStore files, TimeProvider clock, TaskEndSignal? ended = null)
{
    /// <summary>
    /// How long before its task's creation an inline input's key may have been made (its name begins with that time:
    /// <see cref="StoredInputs.TimeDigits"/>): the submit stores its inputs, then creates the task. Also after it, for a
    /// clock stepped back meanwhile.
    /// </summary>
    private static readonly long InputKeyMarginMs = (long)TimeSpan.FromMinutes(10).TotalMilliseconds;

    /// <summary>The errorMessage of a cancelled task (its errorCode stays empty: nothing went wrong).</summary>
    public const string Message = "cancelled at the caller's request";

    /// <summary>Cancels the account's task; another account's task is <see cref="CancelOutcome.NotFound"/>.</summary>
    public async Task<CancelResult> RequestAsync(string accountId, string taskId)
    {
        var (result, inputFiles) = await database.InTransactionAsync((db, tx) => CancelOrFlagAsync(db, tx, accountId, taskId));
        foreach (var key in inputFiles) await files.DeleteAsync(key, CancellationToken.None);
        if (result.Outcome == CancelOutcome.Cancelled) Observability.TaskMetrics.RecordFinished(result.Task!, TaskStatuses.Cancel, null, "");
        if (result.Outcome == CancelOutcome.Cancelled && result.Task!.WebhookUrl is not null) ended?.Pulse();
        return result;
    }

    /// <returns>The outcome, and the keys of the inline input files to delete once it has committed.</returns>
    private async Task<(CancelResult Result, IReadOnlyList<string> InputFiles)> CancelOrFlagAsync(System.Data.Common.DbConnection db,
        System.Data.Common.DbTransaction tx, string accountId, string taskId)
    {
        var now = clock.NowMs();
        var cancelled = await db.QuerySingleOrDefaultAsync<TaskRecord>(
            $"""
            UPDATE tasks SET status = 'CANCEL', error_code = '', error_message = @Message, finished_at = @now,
                available_at = NULL, progress = NULL
            WHERE id = @taskId AND account_id = @accountId AND status = 'QUEUED'
            RETURNING {TaskQueue.RecordColumns}
            """, new { Message, now, taskId, accountId }, tx);
        if (cancelled is not null)
        {
            await WalletLedger.ReleaseAsync(db, tx, accountId, taskId, new Money(cancelled.Price), now);
            await Webhooks.WebhookOutbox.EnqueueAsync(db, tx, cancelled, now);
            // Found by their keys' range of the primary key (their names begin with when they were made), as the expiry
            // finds them: task_inputs has no index by task, which every submit would have to write.
            var inputs = await db.QueryAsync<(string Key, long IsFile)>(
                """
                DELETE FROM task_inputs WHERE key > @low AND key <= @high AND task_id = @taskId
                RETURNING key, CASE WHEN content IS NULL THEN 1 ELSE 0 END
                """, new
                {
                    low = StoredInputs.LastKeyAt(cancelled.CreatedAt - InputKeyMarginMs), high = StoredInputs.LastKeyAt(cancelled.CreatedAt + InputKeyMarginMs), taskId,
                }, tx);
            return (new CancelResult(CancelOutcome.Cancelled, cancelled), [.. inputs.Where(i => i.IsFile == 1).Select(i => i.Key)]);
        }
        var flagged = await db.QuerySingleOrDefaultAsync<TaskRecord>(
            $"""
            UPDATE tasks SET cancel_requested_at = coalesce(cancel_requested_at, @now)
            WHERE id = @taskId AND account_id = @accountId AND status = 'RUNNING'
            RETURNING {TaskQueue.RecordColumns}
            """, new { now, taskId, accountId }, tx);
        if (flagged is not null) return (new CancelResult(CancelOutcome.Requested, flagged), []);
        var task = await db.QuerySingleOrDefaultAsync<TaskRecord>(
            $"SELECT {TaskQueue.RecordColumns} FROM tasks WHERE id = @taskId AND account_id = @accountId", new { taskId, accountId }, tx);
        return (new CancelResult(task is null ? CancelOutcome.NotFound : CancelOutcome.AlreadyFinished, task), []);
    }
}

public enum CancelOutcome
{
    /// <summary>The task was QUEUED and is now CANCEL.</summary>
    Cancelled,
    /// <summary>The task is RUNNING; its worker will stop it and end it CANCEL.</summary>
    Requested,
    /// <summary>The task had already ended; nothing changed.</summary>
    AlreadyFinished,
    /// <summary>No such task of this account.</summary>
    NotFound,
}

public sealed record CancelResult(CancelOutcome Outcome, TaskRecord? Task);
