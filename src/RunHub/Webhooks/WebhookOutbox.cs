using System.Data.Common;
using Dapper;
using RunHub.Tasks;

namespace RunHub.Webhooks;

/// <summary>
/// Writes a task's webhook delivery into the outbox (<c>webhook_deliveries</c>) inside the transaction that ends the
/// task, so the end and its webhook are committed together or not at all: a node that dies after the commit leaves a
/// delivery any node sends; one that dies before it leaves a task that runs again and ends (and writes it) later.
/// </summary>
public static class WebhookOutbox
{
    /// <summary>
    /// A PENDING delivery of <paramref name="task"/>'s end to its webhook URL, due at <paramref name="now"/> (Unix ms).
    /// Nothing for a task without one. True when a delivery was written.
    /// </summary>
    public static async Task<bool> EnqueueAsync(DbConnection db, DbTransaction tx, TaskRecord task, long now)
    {
        if (task.WebhookUrl is null) return false;
        await db.ExecuteAsync(
            """
            INSERT INTO webhook_deliveries (id, task_id, account_id, url, status, attempts, next_attempt_at, created_at, updated_at)
            VALUES (@deliveryId, @taskId, @accountId, @url, 'PENDING', 0, @now, @now, @now)
            """, new { deliveryId = TaskIdGenerator.Shared.Next(), taskId = task.Id, accountId = task.AccountId, url = task.WebhookUrl, now }, tx);
        return true;
    }
}
