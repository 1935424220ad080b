using Dapper;
using System.Data.Common;
using RunHub.Accounts;
using RunHub.Data;
using RunHub.Observability;

namespace RunHub.Tasks;

/// <summary>
/// The tasks table as a durable queue. Submitting inserts the task and reserves its price in one transaction;
/// a worker claims a task with a lease it renews while it runs; a task whose lease lapsed (its process died)
/// is claimed again. Finishing checks the lease, so a worker that lost its task cannot overwrite the outcome,
/// and moves the money in the same transaction as the state change.
/// </summary>
public sealed class TaskQueue(Database database, GroupCommit commits, TaskSignal signal)
{
    private const string Columns =
        "id, account_id AS AccountId, endpoint, client_id AS ClientId, status, parameters, price, error_code AS ErrorCode, " +
        "error_message AS ErrorMessage, results, attempts, lease_owner AS LeaseOwner, lease_expires_at AS LeaseExpiresAt, " +
        "created_at AS CreatedAt, started_at AS StartedAt, finished_at AS FinishedAt, available_at AS AvailableAt, " +
        "cancel_requested_at AS CancelRequestedAt, progress, prompt_tips AS PromptTips, backend_usage AS BackendUsage, trace_parent AS TraceParent";

    /// <summary>What <c>SELECT</c> lists for a <see cref="TaskRecord"/>, for the other task operations.</summary>
    internal const string RecordColumns = Columns;

    private const string FindSql = $"SELECT {Columns} FROM tasks WHERE id = @taskId AND account_id = @accountId";

    private const string RunnableId =
        "SELECT id FROM tasks WHERE (status = 'QUEUED' AND (available_at IS NULL OR available_at <= @now)) " +
        "OR (status = 'RUNNING' AND lease_expires_at < @now) ORDER BY id LIMIT 1";

    /// <summary>
    /// Inserts a QUEUED task and reserves its price, in one transaction shared with the submits that arrive at the
    /// same moment (<see cref="GroupCommit"/>). With an idempotency key already used by this account within its
    /// lifetime, nothing is written: the same request gets its earlier task back, a different one a conflict.
    /// </summary>
    public async Task<SubmitResult> SubmitAsync(string accountId, string endpoint, string parameters, Money price, IdempotencyKey? idempotency = null)
    {
        var task = new TaskRecord
        {
            Id = TaskIdGenerator.Shared.Next(),
            AccountId = accountId,
            Endpoint = endpoint,
            ClientId = Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(16)),
            Status = TaskStatuses.Queued,
            Parameters = parameters,
            Price = price.Millis,
            CreatedAt = Clock.NowMs(),
            TraceParent = TaskTracing.CurrentParent(),
        };
        var result = await commits.RunAsync((db, tx) => Insert(database, db, tx, task, price, idempotency));
        if (result.Outcome == SubmitOutcome.Created) signal.Pulse();
        if (result.Outcome == SubmitOutcome.Created) TaskMetrics.RecordSubmitted(task);
        if (result.Task is not null) TaskTracing.Submitted(result.Task);
        return result;
    }

    private static SubmitResult Insert(Database database, DbConnection db, DbTransaction tx, TaskRecord task, Money price, IdempotencyKey? idempotency)
    {
        if (idempotency is not null)
        {
            // Two nodes given the same key at once: the second waits here until the first commits, then replays it.
            database.LockName(db, tx, $"runhub idempotency {task.AccountId} {idempotency.Key}");
            if (Replay(db, tx, task.AccountId, idempotency, task.CreatedAt) is { } earlier) return earlier;
        }
        if (!WalletLedger.TryReserve(db, tx, task.AccountId, task.Id, price)) return new SubmitResult(SubmitOutcome.InsufficientBalance, null);
        db.Execute(
            """
            INSERT INTO tasks (id, account_id, endpoint, client_id, status, parameters, price, created_at, trace_parent)
            VALUES (@Id, @AccountId, @Endpoint, @ClientId, @Status, @Parameters, @Price, @CreatedAt, @TraceParent)
            """, task, tx);
        if (idempotency is not null)
            db.Execute(
                """
                INSERT INTO idempotency_keys (account_id, key, request_hash, task_id, created_at)
                VALUES (@AccountId, @Key, @RequestHash, @TaskId, @Now)
                ON CONFLICT (account_id, key) DO UPDATE SET
                    request_hash = excluded.request_hash, task_id = excluded.task_id, created_at = excluded.created_at
                """, new { task.AccountId, idempotency.Key, idempotency.RequestHash, TaskId = task.Id, Now = task.CreatedAt }, tx);
        database.AnnounceRunnable(db, tx);
        return new SubmitResult(SubmitOutcome.Created, task);
    }

    /// <summary>The answer to a key this account used within its lifetime, or null when the key is new (or expired).</summary>
    private static SubmitResult? Replay(DbConnection db, DbTransaction tx, string accountId, IdempotencyKey idempotency, long now)
    {
        var cutoff = now - (long)IdempotencyKey.Lifetime.TotalMilliseconds;
        db.Execute("DELETE FROM idempotency_keys WHERE created_at < @cutoff", new { cutoff }, tx);
        var row = db.QuerySingleOrDefault<KeyUse>(
            "SELECT request_hash AS RequestHash, task_id AS TaskId FROM idempotency_keys WHERE account_id = @accountId AND key = @Key",
            new { accountId, idempotency.Key }, tx);
        if (row is null) return null;
        if (row.RequestHash != idempotency.RequestHash) return new SubmitResult(SubmitOutcome.KeyReused, null);
        var task = db.QuerySingle<TaskRecord>($"SELECT {Columns} FROM tasks WHERE id = @TaskId", new { row.TaskId }, tx);
        return new SubmitResult(SubmitOutcome.Replayed, task);
    }

    private sealed record KeyUse(string RequestHash, string TaskId);

    /// <summary>The task, only when it belongs to the account: another account's task is indistinguishable from none.</summary>
    public TaskRecord? Find(string accountId, string taskId)
    {
        return database.ReadFirst<TaskRecord>(FindSql, ("taskId", taskId), ("accountId", accountId));
    }

    public long CountActive(string accountId)
    {
        using var db = database.Open();
        return db.ExecuteScalar<long>("SELECT count(*) FROM tasks WHERE account_id = @accountId AND status IN ('QUEUED', 'RUNNING')",
            new { accountId });
    }

    /// <summary>Takes the oldest runnable task (queued, or running under a lapsed lease) for this worker.</summary>
    public TaskRecord? Claim(string owner, TimeSpan lease)
    {
        var now = Clock.NowMs();
        // Idle workers look often; a read never waits for the writer, so only take the write lock when there is work.
        if (database.ReadFirst<string>(RunnableId, ("now", now)) is null) return null;
        using var db = database.Open();
        using var tx = db.BeginTransaction();
        var task = db.QuerySingleOrDefault<TaskRecord>(
            $"""
            UPDATE tasks SET status = 'RUNNING', lease_owner = @owner, lease_expires_at = @expires, available_at = NULL,
                attempts = attempts + 1, started_at = coalesce(started_at, @now)
            WHERE id = ({RunnableId} {database.Sql.ClaimLock})
            RETURNING {Columns}
            """, new { owner, expires = now + (long)lease.TotalMilliseconds, now }, tx);
        tx.Commit();
        return task;
    }

    /// <summary>
    /// Extends the lease and tells the worker whether it still holds the task and whether the caller asked to
    /// cancel it (a worker on any node sees a cancel here, at its next renewal).
    /// </summary>
    public LeaseState Renew(string taskId, string owner, TimeSpan lease)
    {
        using var db = database.Open();
        var cancelRequested = db.QuerySingleOrDefault<long?>(
            """
            UPDATE tasks SET lease_expires_at = @expires WHERE id = @taskId AND lease_owner = @owner AND status = 'RUNNING'
            RETURNING CASE WHEN cancel_requested_at IS NULL THEN 0 ELSE 1 END
            """,
            new { taskId, owner, expires = Clock.NowMs() + (long)lease.TotalMilliseconds });
        return cancelRequested switch
        {
            null => LeaseState.Lost,
            0 => LeaseState.Held,
            _ => LeaseState.CancelRequested,
        };
    }

    /// <summary>Records the engine's last progress report (best effort: nothing is written once the worker lost the task).</summary>
    public void ReportProgress(string taskId, string owner, string progressJson)
    {
        using var db = database.Open();
        db.Execute("UPDATE tasks SET progress = @progressJson WHERE id = @taskId AND lease_owner = @owner AND status = 'RUNNING'",
            new { taskId, owner, progressJson });
    }

    /// <summary>
    /// Hands a task whose backends are all busy back to the queue, not to be claimed before <paramref name="availableAt"/>.
    /// Its charge stays reserved and the run does not count as an attempt. False when the lease was lost.
    /// </summary>
    public bool Postpone(TaskRecord task, string owner, long availableAt)
    {
        using var db = database.Open();
        return db.Execute(
            """
            UPDATE tasks SET status = 'QUEUED', lease_owner = NULL, lease_expires_at = NULL, available_at = @availableAt,
                attempts = attempts - 1, progress = NULL
            WHERE id = @Id AND lease_owner = @owner AND status = 'RUNNING'
            """, new { task.Id, owner, availableAt }) == 1;
    }

    /// <summary>
    /// Marks the task SUCCESS and settles its charge — or, when the caller asked to cancel it meanwhile, CANCEL with
    /// the charge released. Null when the lease was lost to another worker; else the status recorded.
    /// </summary>
    public string? Succeed(TaskRecord task, string owner, string resultsJson, string? backendUsage = null) =>
        Finish(task, owner, new Ending(TaskStatuses.Success, "", "", resultsJson, null, backendUsage));

    /// <summary>Marks the task FAILED (or CANCEL, see <see cref="Succeed"/>) and releases its charge. Null when the lease was lost.</summary>
    public string? Fail(TaskRecord task, string owner, string errorCode, string errorMessage, string? promptTips = null, string? backendUsage = null) =>
        Finish(task, owner, new Ending(TaskStatuses.Failed, errorCode, errorMessage, null, promptTips, backendUsage));

    /// <summary>Ends a task the caller cancelled while it ran: CANCEL, charge released. Null when the lease was lost.</summary>
    public string? EndCancelled(TaskRecord task, string owner) =>
        Finish(task, owner, new Ending(TaskStatuses.Cancel, "", "", null, null, null));

    /// <summary>Hands a task back to the queue (this node is stopping), so another worker can take it at once.</summary>
    public void Requeue(TaskRecord task, string owner)
    {
        using var db = database.Open();
        using var tx = db.BeginTransaction();
        var rows = db.Execute(
            "UPDATE tasks SET status = 'QUEUED', lease_owner = NULL, lease_expires_at = NULL WHERE id = @Id AND lease_owner = @owner AND status = 'RUNNING'",
            new { task.Id, owner }, tx);
        if (rows == 1) database.AnnounceRunnable(db, tx);
        tx.Commit();
    }

    private sealed record Ending(string Status, string ErrorCode, string ErrorMessage, string? Results, string? PromptTips, string? BackendUsage);

    private string? Finish(TaskRecord task, string owner, Ending ending)
    {
        using var db = database.Open();
        using var tx = db.BeginTransaction();
        // A cancel request wins over whatever the run produced: the caller was told the task is being cancelled.
        var status = db.QuerySingleOrDefault<string?>(
            """
            UPDATE tasks SET
                status = CASE WHEN cancel_requested_at IS NULL THEN @Status ELSE 'CANCEL' END,
                error_code = CASE WHEN cancel_requested_at IS NULL THEN @ErrorCode ELSE '' END,
                error_message = CASE WHEN cancel_requested_at IS NULL THEN @ErrorMessage ELSE @CancelMessage END,
                results = CASE WHEN cancel_requested_at IS NULL THEN @Results ELSE NULL END,
                prompt_tips = @PromptTips, backend_usage = @BackendUsage, progress = NULL,
                finished_at = @now, lease_owner = NULL, lease_expires_at = NULL
            WHERE id = @id AND lease_owner = @owner AND status = 'RUNNING'
            RETURNING status
            """, new
            {
                ending.Status, ending.ErrorCode, ending.ErrorMessage, ending.Results, ending.PromptTips, ending.BackendUsage,
                CancelMessage = TaskCancellation.Message, now = Clock.NowMs(), id = task.Id, owner,
            }, tx);
        if (status is null) return null;
        var price = new Money(task.Price);
        if (status == TaskStatuses.Success) WalletLedger.Settle(db, tx, task.AccountId, task.Id, price);
        else WalletLedger.Release(db, tx, task.AccountId, task.Id, price);
        tx.Commit();
        return status;
    }
}

/// <summary>What a lease renewal found: the worker still holds the task, lost it, or should cancel it.</summary>
public enum LeaseState
{
    Held,
    Lost,
    CancelRequested,
}
