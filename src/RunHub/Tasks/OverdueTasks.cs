using Dapper;
using Microsoft.Extensions.Options;
using RunHub.Accounts;
using RunHub.Client;
using RunHub.Data;
using RunHub.Observability;

namespace RunHub.Tasks;

/// <summary>
/// Fails the queued tasks that no worker started within their start deadline (<see cref="QueueOptions.StartDeadlineSeconds"/>):
/// FAILED with 1006 and their charge released, in one transaction per batch. Run by the maintenance job, so a task
/// stuck behind a full queue (or with no worker at all) ends instead of waiting for ever. Like every task end, each
/// one's webhook delivery is written into the outbox in that transaction (docs/webhooks.md).
/// </summary>
public sealed class OverdueTasks(Database database, IOptions<RunHubOptions> options, TimeProvider clock, ILogger<OverdueTasks> logger,
    TaskEndSignal? ended = null)
{
    /// <summary>The ids of up to <c>@batchSize</c> queued tasks created before <c>@cutoff</c> (Unix ms) and never started, oldest first.</summary>
    internal const string OverdueIds =
        $"SELECT id FROM tasks WHERE {TaskQueue.QueuedOfWaitingAccounts} AND started_at IS NULL AND created_at < @cutoff ORDER BY id LIMIT @batchSize";

    /// <summary>Fails up to <paramref name="batchSize"/> overdue queued tasks; how many it failed.</summary>
    public async Task<int> FailBatchAsync(int batchSize, CancellationToken cancellationToken)
    {
        var queue = options.Value.Queue;
        var failure = TaskDeadlines.StartTimedOut(queue);
        var failed = await database.InTransactionAsync(async (db, tx) =>
        {
            var now = clock.NowMs();
            // Ids are time-ordered, so the oldest queued tasks come first.
            var tasks = (await db.QueryAsync<TaskRecord>(
                $"""
                UPDATE tasks SET status = 'FAILED', error_code = @ErrorCode, error_message = @ErrorMessage, finished_at = @now,
                    available_at = NULL, progress = NULL
                WHERE id IN ({OverdueIds})
                    AND status = 'QUEUED' AND started_at IS NULL
                RETURNING {TaskQueue.RecordColumns}
                """, new { failure.ErrorCode, failure.ErrorMessage, now, cutoff = now - TaskDeadlines.StartDeadlineMs(queue), batchSize }, tx)).ToList();
            foreach (var task in tasks)
            {
                await WalletLedger.ReleaseAsync(db, tx, task.AccountId, task.Id, new Money(task.Price), now);
                await Webhooks.WebhookOutbox.EnqueueAsync(db, tx, task, now);
            }
            return tasks;
        }, cancellationToken);
        foreach (var task in failed)
        {
            TaskMetrics.RecordFinished(task, TaskStatuses.Failed, null, RunHubErrorCodes.TaskTimedOut);
            logger.LogInformation("Task {TaskId} failed: it waited in the queue past its start deadline", task.Id);
        }
        if (failed.Any(task => task.WebhookUrl is not null)) ended?.Pulse();
        return failed.Count;
    }
}
