using Dapper;
using RunHub.Data;

namespace RunHub.Webhooks;

/// <summary>
/// The outbox as a queue any node takes from: a sender claims the most overdue delivery by moving it past its send
/// (<c>next_attempt_at</c> becomes the claim's expiry, so a sender that dies leaves it due again: nothing is lost, and
/// the receiver may see it twice under the same <c>webhook-id</c>), then records the outcome under its claim's token.
/// Also what the debugging calls and <c>runhub webhooks</c> read and retry. Times are Unix ms from the one clock.
/// </summary>
public sealed class WebhookDeliveries(Database database, TimeProvider clock)
{
    private const string Columns =
        "d.id AS Id, d.task_id AS TaskId, d.account_id AS AccountId, d.url AS Url, d.status AS Status, d.attempts AS Attempts, " +
        "d.next_attempt_at AS NextAttemptAt, d.response_status AS ResponseStatus, d.response AS Response, d.created_at AS CreatedAt, " +
        "d.updated_at AS UpdatedAt, k.key_hint AS KeyHint";

    private const string From =
        "FROM webhook_deliveries d JOIN tasks t ON t.id = d.task_id LEFT JOIN api_keys k ON k.key_hash = t.key_hash";

    private const string DueId = "SELECT id FROM webhook_deliveries WHERE status = 'PENDING' AND next_attempt_at <= @now ORDER BY next_attempt_at LIMIT 1";

    /// <summary>Takes the most overdue delivery for <paramref name="claimFor"/>; null when none is due.</summary>
    public async Task<DeliveryClaim?> ClaimAsync(TimeSpan claimFor, CancellationToken cancellationToken = default)
    {
        var now = clock.NowMs();
        if (await database.ReadFirstAsync<string>(DueId, ("now", now)) is null) return null;
        var token = RandomHex.Digits(32);
        return await database.InTransactionAsync((db, tx) => db.QuerySingleOrDefaultAsync<DeliveryClaim>(
            $"""
            UPDATE webhook_deliveries SET attempts = attempts + 1, lease_token = @token, next_attempt_at = @until, updated_at = @now
            WHERE id = ({DueId} {database.Sql.ClaimLock})
            RETURNING id AS Id, task_id AS TaskId, account_id AS AccountId, url AS Url, attempts AS Attempts, lease_token AS Token
            """, new { token, now, until = now + (long)claimFor.TotalMilliseconds }, tx), cancellationToken);
    }

    /// <summary>
    /// Records a send's outcome: SUCCESS, FAILED, or PENDING again at <paramref name="nextAttemptAt"/>. False when the
    /// claim no longer holds (it expired, and a manual retry or another sender took the delivery over): nothing is written then.
    /// </summary>
    public async Task<bool> RecordAsync(DeliveryClaim claim, string status, long? nextAttemptAt, int? responseStatus, string? response)
    {
        await using var db = await database.OpenAsync();
        return await db.ExecuteAsync(
            """
            UPDATE webhook_deliveries SET status = @status, next_attempt_at = @nextAttemptAt, lease_token = NULL,
                response_status = @responseStatus, response = @response, updated_at = @now
            WHERE id = @Id AND lease_token = @Token
            """, new { status, nextAttemptAt, responseStatus, response, now = clock.NowMs(), claim.Id, claim.Token }) == 1;
    }

    /// <summary>The latest delivery of the account's task, or null (no such task of the account, or no webhook).</summary>
    public async Task<WebhookDelivery?> LatestOfTaskAsync(string accountId, string taskId)
    {
        await using var db = await database.OpenAsync();
        return await db.QueryFirstOrDefaultAsync<WebhookDelivery>(
            $"SELECT {Columns} {From} WHERE d.task_id = @taskId AND d.account_id = @accountId ORDER BY d.id DESC LIMIT 1", new { taskId, accountId });
    }

    /// <summary>Deliveries newest first, optionally of one account, one task or in one status; at most <paramref name="limit"/>.</summary>
    public async Task<IReadOnlyList<WebhookDelivery>> ListAsync(string? accountId = null, string? taskId = null, string? status = null, int limit = 50)
    {
        await using var db = await database.OpenAsync();
        var rows = await db.QueryAsync<WebhookDelivery>(
            $"""
            SELECT {Columns} {From}
            WHERE (@accountId IS NULL OR d.account_id = @accountId) AND (@taskId IS NULL OR d.task_id = @taskId) AND (@status IS NULL OR d.status = @status)
            ORDER BY d.id DESC LIMIT @limit
            """, new { accountId, taskId, status, limit });
        return rows.ToList();
    }

    /// <summary>
    /// Sends a delivery again now, optionally to <paramref name="newUrl"/> (checked by the caller), with a fresh retry
    /// schedule. Not while a sender holds it (a send in flight, until its claim expires): each retry would otherwise start
    /// another send of the same delivery at once, and a caller whose receiver never answers could hold every sender.
    /// </summary>
    /// <returns>The row as this retry left it (a sender may take it over the next moment); or, with it null, when the
    /// send in flight ends at the latest (Unix ms), or neither when there is no such delivery (of that account, when
    /// <paramref name="accountId"/> is given).</returns>
    public async Task<(WebhookDelivery? Retried, long? SendingUntil)> RetryAsync(string deliveryId, string? accountId = null, string? newUrl = null)
    {
        await using var db = await database.OpenAsync();
        var now = clock.NowMs();
        var retried = await db.QuerySingleOrDefaultAsync<WebhookDelivery>(
            """
            UPDATE webhook_deliveries SET status = 'PENDING', attempts = 0, next_attempt_at = @now, lease_token = NULL,
                url = coalesce(@newUrl, url), updated_at = @now
            WHERE id = @deliveryId AND (@accountId IS NULL OR account_id = @accountId) AND (lease_token IS NULL OR next_attempt_at <= @now)
            RETURNING id AS Id, task_id AS TaskId, account_id AS AccountId, url AS Url, status AS Status, attempts AS Attempts,
                next_attempt_at AS NextAttemptAt, response_status AS ResponseStatus, response AS Response, created_at AS CreatedAt,
                updated_at AS UpdatedAt
            """, new { now, newUrl, deliveryId, accountId });
        if (retried is not null) return (retried, null);
        var sendingUntil = await db.ExecuteScalarAsync<long?>(
            "SELECT next_attempt_at FROM webhook_deliveries WHERE id = @deliveryId AND (@accountId IS NULL OR account_id = @accountId) AND lease_token IS NOT NULL",
            new { deliveryId, accountId });
        return (null, sendingUntil);
    }

    /// <summary>Why a delivery in flight cannot be retried yet, for the debugging call and the CLI.</summary>
    public static string InFlight(long sendingUntil) =>
        $"a send of this webhook is in flight (it ends by {DateTimeOffset.FromUnixTimeMilliseconds(sendingUntil).UtcDateTime:yyyy-MM-ddTHH:mm:ss} UTC at the latest); retry after it";
}
