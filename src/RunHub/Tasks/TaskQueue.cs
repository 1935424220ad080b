using System.Data.Common;
using Dapper;
using RunHub.Accounts;
using RunHub.Data;
using RunHub.Limits;
using RunHub.Observability;

namespace RunHub.Tasks;

/// <summary>
/// The tasks table as a durable queue. Submitting inserts the task and reserves its price in one transaction;
/// a worker claims a task and gets a <see cref="TaskLease"/>, which it renews while it runs; a task whose lease
/// lapsed (its process died, or its run stalled) is claimed again under a new lease. Every write of a run is fenced
/// by its lease's token, so a run that lost its task cannot renew, report, or overwrite the outcome, and the money
/// moves in the same transaction as the state change. Times are Unix milliseconds from the one clock. Workers take
/// the accounts in turn, each account's running tasks held to its limit (docs/limits.md).
/// </summary>
/// <param name="ended">Told after a task's end is committed with a webhook to send (the webhook senders' wake-up), or null.</param>
/// <param name="limits">The accounts' running and queued limits (their own over the server's); null for none.</param>
/// <param name="announcer">Tells the other nodes' workers, after each commit that made a task runnable, on a shared
/// PostgreSQL database; null where there are no other nodes (SQLite) or none to tell. No transaction of the queue
/// notifies by itself (see <see cref="PostgresQueueAnnouncer"/> for why).</param>
public sealed class TaskQueue(Database database, GroupCommit commits, TaskSignal signal, TimeProvider clock, TaskEndSignal? ended = null,
    AccountLimits? limits = null, PostgresQueueAnnouncer? announcer = null)
{

    private const string Columns =
        "id, account_id AS AccountId, endpoint, client_id AS ClientId, status, parameters, price, error_code AS ErrorCode, " +
        "error_message AS ErrorMessage, results, attempts, lease_owner AS LeaseOwner, lease_expires_at AS LeaseExpiresAt, " +
        "created_at AS CreatedAt, started_at AS StartedAt, finished_at AS FinishedAt, available_at AS AvailableAt, " +
        "cancel_requested_at AS CancelRequestedAt, progress, prompt_tips AS PromptTips, backend_usage AS BackendUsage, trace_parent AS TraceParent, " +
        "charged, cost_ms AS CostMs, failure, " +
        "webhook_url AS WebhookUrl, base_url AS BaseUrl, key_hash AS KeyHash";

    /// <summary>What <c>SELECT</c> lists for a <see cref="TaskRecord"/>, for the other task operations.</summary>
    internal const string RecordColumns = Columns;

    private const string FindSql = $"SELECT {Columns} FROM tasks WHERE id = @taskId AND account_id = @accountId";

    /// <summary>The place of the task <c>t</c> among its account's QUEUED tasks (1: the next of them to start).</summary>
    private const string PlaceInQueue =
        "SELECT count(*) FROM tasks w WHERE w.account_id = t.account_id AND w.status = 'QUEUED' AND w.id <= t.id";

    /// <summary>
    /// The columns the task object is built from (<c>Api.TaskObjectMapper</c>), for the query endpoint's read, the most
    /// frequent of all: not the task's parameters (kilobytes of JSON for a workflow, stored compressed by PostgreSQL once
    /// over 2 KB, so every poll decompressed and sent them), nor its backend usage, failure report, lease, webhook and
    /// trace columns. <c>Parameters</c> reads as empty.
    /// </summary>
    private const string WireColumns =
        "id, account_id AS AccountId, endpoint, client_id AS ClientId, status, '' AS Parameters, price, error_code AS ErrorCode, " +
        "error_message AS ErrorMessage, results, created_at AS CreatedAt, started_at AS StartedAt, finished_at AS FinishedAt, " +
        "progress, prompt_tips AS PromptTips, charged, cost_ms AS CostMs";

    /// <summary>The task as the query endpoint shows it, with a QUEUED task's place in the same read: one round trip.</summary>
    private const string FindWithPlaceSql =
        $"SELECT {WireColumns}, CASE WHEN status = 'QUEUED' THEN ({PlaceInQueue}) END AS QueuePosition FROM tasks t WHERE id = @taskId AND account_id = @accountId";

    /// <summary>A running task whose lease lapsed (its worker died or stalled): claimed again before anything else.</summary>
    /// <summary>The running task whose lease lapsed first, by <c>tasks_running</c>.</summary>
    internal const string LapsedId = "SELECT id FROM tasks WHERE status = 'RUNNING' AND lease_expires_at < @now ORDER BY id LIMIT 1";

    /// <summary>
    /// A condition on a task: its account has queued tasks (<c>account_queues</c>). Queued tasks have no index of their
    /// own (since schema step 20), so a read of them across accounts names this, and SQLite reads each waiting account's
    /// range of <c>tasks_account</c> instead of the whole table.
    /// </summary>
    internal const string OfWaitingAccounts = "account_id IN (SELECT account_id FROM account_queues WHERE queued > 0)";

    /// <summary>A condition on a task: it is QUEUED, read through <see cref="OfWaitingAccounts"/>.</summary>
    internal const string QueuedOfWaitingAccounts = $"status = 'QUEUED' AND {OfWaitingAccounts}";

    /// <summary>
    /// Fair queueing: the account served longest ago (<c>served_seq</c>, a claim counter) among those with a task ready
    /// to start and fewer running tasks than their running limit (their own, <c>accounts.max_running</c>, else the
    /// server's <c>@maxRunning</c>; 0: no limit). Workers so go round the accounts, however many tasks one of them has queued.
    /// <c>waiting</c> is <c>queued &gt; 0</c> as a column (PostgreSQL's index of waiting accounts names it, SQLite's names
    /// <c>queued &gt; 0</c>): both terms are there so that each store finds its own index.
    /// </summary>
    private const string NextAccount =
        "SELECT q.account_id AS x FROM account_queues q WHERE q.waiting AND q.queued > 0 " +
        "AND EXISTS (SELECT 1 FROM accounts a WHERE a.id = q.account_id " +
        "AND (coalesce(a.max_running, @maxRunning) = 0 OR q.running < coalesce(a.max_running, @maxRunning))) " +
        "AND EXISTS (SELECT 1 FROM tasks t WHERE t.account_id = q.account_id AND t.status = 'QUEUED' AND (t.available_at IS NULL OR t.available_at <= @now)) " +
        "ORDER BY q.served_seq, q.account_id LIMIT 1";

    /// <summary>Whether there is anything to claim, read without the write lock (idle workers look often).</summary>
    private const string AnythingToClaim =
        "SELECT x FROM (SELECT id AS x FROM tasks WHERE status = 'RUNNING' AND lease_expires_at < @now ORDER BY id LIMIT 1) AS lapsed " +
        "UNION ALL SELECT x FROM (" + NextAccount + ") AS fair LIMIT 1";

    /// <summary>An account's oldest task that may start now: within an account, tasks start in the order they came.</summary>
    private const string HeadOfAccount =
        "SELECT id FROM tasks WHERE account_id = @accountId AND status = 'QUEUED' AND (available_at IS NULL OR available_at <= @now) ORDER BY id LIMIT 1";

    private const string ClaimSet =
        "SET status = 'RUNNING', lease_owner = @owner, lease_token = @token, lease_expires_at = @expires, " +
        "available_at = NULL, attempts = attempts + 1, started_at = coalesce(started_at, @now)";

    /// <summary>The fence of every write a run makes: its task, still RUNNING, still under this claim.</summary>
    private const string Held = "id = @Id AND lease_token = @Token AND status = 'RUNNING'";

    /// <summary>
    /// Whether a submit of <paramref name="price"/> would be refused for money as things stand now: the wallet's balance
    /// below the price (<see cref="SubmitOutcome.InsufficientBalance"/>), or, when the key's spend cap applies
    /// (<paramref name="spendCapped"/>), the price past what is left of it (<see cref="SubmitOutcome.SpendCapReached"/>);
    /// null when it would pass. One read, for a submit to make before work a refused submit would waste (decoding and
    /// storing large inline inputs); the submit's own transaction still decides.
    /// </summary>
    /// <param name="keyHash">SHA-256 hex of the key that sends it, or null for none (the console's playground).</param>
    public async Task<SubmitOutcome?> MoneyRefusalAsync(string accountId, string? keyHash, Money price, bool spendCapped)
    {
        await using var db = await database.OpenAsync();
        var row = await db.QueryFirstOrDefaultAsync<(long Balance, long? Spent, long? Cap)?>(
            "SELECT a.balance, k.spent, k.spend_cap FROM accounts a LEFT JOIN api_keys k ON k.key_hash = @keyHash WHERE a.id = @accountId",
            new { accountId, keyHash });
        if (row is not { } money || money.Balance < price.Millis) return SubmitOutcome.InsufficientBalance;
        return spendCapped && money.Cap is { } cap && (money.Spent ?? 0) + price.Millis > cap ? SubmitOutcome.SpendCapReached : null;
    }

    /// <summary>
    /// Inserts a QUEUED task and reserves its price (thousandths of CNY), in one transaction shared with the submits
    /// that arrive at the same moment (<see cref="GroupCommit"/>). With an idempotency key already used by this account
    /// within its lifetime, nothing is written: the same request gets its earlier task back, a different one a conflict.
    /// </summary>
    /// <param name="context">The webhook URL, base URL and key the task is stored with (and whether that key's spend cap
    /// applies, <see cref="KeySpending"/>), and its inline inputs (<c>task_inputs</c>); null for none.</param>
    public async Task<SubmitResult> SubmitAsync(string accountId, string endpoint, string parameters, Money price, IdempotencyKey? idempotency = null,
        SubmitContext? context = null)
    {
        var task = new TaskRecord
        {
            Id = TaskIdGenerator.Shared.Next(),
            AccountId = accountId,
            Endpoint = endpoint,
            ClientId = RandomHex.Digits(32),
            Status = TaskStatuses.Queued,
            Parameters = parameters,
            Price = price.Millis,
            CreatedAt = clock.NowMs(),
            TraceParent = TaskTracing.CurrentParent(),
            WebhookUrl = context?.WebhookUrl,
            BaseUrl = context?.WebhookUrl is null ? null : context.BaseUrl,
            KeyHash = context?.KeyHash,
        };
        var queueLimits = limits is null ? QueueLimits.None : await limits.ForAsync(accountId);
        SubmitResult result;
        try
        {
            result = database is PostgresDatabase postgres && idempotency is null && !queueLimits.ChecksSubmits && !Charged(task, context)
                ? await InsertCommittingAsync(postgres, task, price, context)
                : await commits.RunAsync((db, tx) => InsertAsync(db, tx, task, price, idempotency, context, queueLimits));
        }
        catch (SubmitRefusedException refused)
        {
            return new SubmitResult(refused.Outcome, null) { Limits = queueLimits };
        }
        if (result.Outcome == SubmitOutcome.Created)
        {
            AnnounceRunnable();
            TaskMetrics.RecordSubmitted(task);
        }
        if (result.Task is not null) TaskTracing.Submitted(result.Task);
        return result;
    }

    /// <summary>
    /// Counts the task in the account's queue first (with the task's insert: <see cref="SqlDialect.CountQueuedInsert"/>
    /// or, on PostgreSQL, the trigger on <c>tasks</c>), which then holds the account's queue row, so the queue limits are
    /// read exactly (no other node's submit can take the last place meanwhile), and every transaction that touches an
    /// account's queue, wallet and key takes them in the same order (queue, wallet, key) so none can deadlock another. The
    /// writes go as one <see cref="StatementBatch"/> (one round trip to PostgreSQL); the queue limits are read after them
    /// (they take no lock of their own), then the wallet's and the key's verdicts. A refusal throws
    /// <see cref="SubmitRefusedException"/>, which rolls the submit's writes back (in a group commit with the rest of its
    /// batch, which then runs again with a savepoint per submit; its transaction otherwise).
    /// </summary>
    private async Task<SubmitResult> InsertAsync(DbConnection db, DbTransaction tx, TaskRecord task, Money price, IdempotencyKey? idempotency,
        SubmitContext? context, QueueLimits queueLimits)
    {
        if (idempotency is not null)
        {
            // Two nodes given the same key at once: the second waits here until the first commits, then replays it.
            await database.LockNameAsync(db, tx, $"runhub idempotency {task.AccountId} {idempotency.Key}");
            if (await ReplayAsync(db, tx, task.AccountId, idempotency, task.CreatedAt) is { } earlier) return earlier;
        }
        var (writes, debit, charge) = Writes(task, price, idempotency, context, refusedByCheck: false);
        var written = await writes.RunAsync(db, tx);
        await QueueAdmission.CheckAsync(db, tx, task.AccountId, queueLimits);
        if (written.RowsChanged(debit) == 0) throw new SubmitRefusedException(SubmitOutcome.InsufficientBalance);
        if (charge is { } spending && written.RowsChanged(spending) != 1) throw new SubmitRefusedException(SubmitOutcome.SpendCapReached);
        return new SubmitResult(SubmitOutcome.Created, task);
    }

    /// <summary>
    /// The common submit on PostgreSQL (no idempotency key, no queue limit to check, no spend cap): every refusal it can
    /// meet is the wallet's, which the database makes itself (the debit fails on the balance's <c>CHECK</c>), so its writes
    /// and its commit go as one batch in one round trip (<see cref="StatementBatch.CommitAsync"/>) instead of two. The
    /// writes, their order and so their locks are the same as <see cref="InsertAsync"/>'s; a refused submit writes nothing.
    /// </summary>
    private async Task<SubmitResult> InsertCommittingAsync(PostgresDatabase postgres, TaskRecord task, Money price, SubmitContext? context)
    {
        var (writes, _, _) = Writes(task, price, null, context, refusedByCheck: true);
        await using var db = await postgres.OpenPostgresAsync();
        try
        {
            await writes.CommitAsync(db);
        }
        catch (Npgsql.PostgresException e) when (WalletLedger.IsOverdraft(e))
        {
            throw new SubmitRefusedException(SubmitOutcome.InsufficientBalance);
        }
        return new SubmitResult(SubmitOutcome.Created, task);
    }

    /// <summary>A key with a spend cap is charged the price, and the task notes it so its release gives it back.</summary>
    private static bool Charged(TaskRecord task, SubmitContext? context) => context?.SpendCapped == true && task.KeyHash is not null;

    /// <summary>
    /// A submit's writes, in the order that takes its locks (the account's queue row, counted by the first statement on
    /// SQLite and by the trigger on the task's insert on PostgreSQL; the task; its inline inputs; the wallet's debit and
    /// ledger line; the key's spending; the idempotency key), with the places of the debit and of the key's charge (null
    /// when the key has no cap).
    /// </summary>
    private (StatementBatch Writes, int Debit, int? Charge) Writes(TaskRecord task, Money price, IdempotencyKey? idempotency,
        SubmitContext? context, bool refusedByCheck)
    {
        var charged = Charged(task, context);
        var writes = new StatementBatch();
        if (database.Sql.CountQueuedInsert is { } countQueued) writes.Execute(countQueued, ("AccountId", task.AccountId));
        writes.Execute(
            """
            INSERT INTO tasks (id, account_id, endpoint, client_id, status, parameters, price, created_at, trace_parent,
                webhook_url, base_url, key_hash, key_charged)
            VALUES (@Id, @AccountId, @Endpoint, @ClientId, @Status, @Parameters, @Price, @CreatedAt, @TraceParent,
                @WebhookUrl, @BaseUrl, @KeyHash, @KeyCharged)
            """, ("Id", task.Id), ("AccountId", task.AccountId), ("Endpoint", task.Endpoint), ("ClientId", task.ClientId),
            ("Status", task.Status), ("Parameters", task.Parameters), ("Price", task.Price), ("CreatedAt", task.CreatedAt),
            ("TraceParent", task.TraceParent), ("WebhookUrl", task.WebhookUrl), ("BaseUrl", task.BaseUrl), ("KeyHash", task.KeyHash),
            ("KeyCharged", charged ? 1 : 0));
        // The inline inputs in the same transaction: exactly as durable as the task, and gone with it when it is refused.
        foreach (var input in context?.Inputs ?? [])
            writes.Execute("INSERT INTO task_inputs (key, task_id, created_at, content) VALUES (@Key, @TaskId, @CreatedAt, @Content)",
                ("Key", input.Key), ("TaskId", task.Id), ("CreatedAt", task.CreatedAt), ("Content", input.Content));
        var debit = WalletLedger.Reserve(writes, task.AccountId, task.Id, price, task.CreatedAt, refusedByCheck);
        var charge = charged ? KeySpending.Charge(writes, task.KeyHash!, price) : (int?)null;
        if (idempotency is not null)
            writes.Execute(
                """
                INSERT INTO idempotency_keys (account_id, key, request_hash, task_id, created_at)
                VALUES (@AccountId, @Key, @RequestHash, @TaskId, @Now)
                ON CONFLICT (account_id, key) DO UPDATE SET
                    request_hash = excluded.request_hash, task_id = excluded.task_id, created_at = excluded.created_at
                """, ("AccountId", task.AccountId), ("Key", idempotency.Key), ("RequestHash", idempotency.RequestHash), ("TaskId", task.Id),
                ("Now", task.CreatedAt));
        return (writes, debit, charge);
    }

    /// <summary>The answer to a key this account used within its lifetime, or null when the key is new (or expired).</summary>
    private static async Task<SubmitResult?> ReplayAsync(DbConnection db, DbTransaction tx, string accountId, IdempotencyKey idempotency, long now)
    {
        var cutoff = now - (long)IdempotencyKey.Lifetime.TotalMilliseconds;
        await db.ExecuteAsync("DELETE FROM idempotency_keys WHERE created_at < @cutoff", new { cutoff }, tx);
        var row = await db.QuerySingleOrDefaultAsync<KeyUse>(
            "SELECT request_hash AS RequestHash, task_id AS TaskId FROM idempotency_keys WHERE account_id = @accountId AND key = @Key",
            new { accountId, idempotency.Key }, tx);
        if (row is null) return null;
        if (row.RequestHash != idempotency.RequestHash) return new SubmitResult(SubmitOutcome.KeyReused, null);
        var task = await db.QuerySingleAsync<TaskRecord>($"SELECT {Columns} FROM tasks WHERE id = @TaskId", new { row.TaskId }, tx);
        return new SubmitResult(SubmitOutcome.Replayed, task);
    }

    private sealed record KeyUse(string RequestHash, string TaskId);

    /// <summary>The task, only when it belongs to the account: another account's task is indistinguishable from none.</summary>
    public ValueTask<TaskRecord?> FindAsync(string accountId, string taskId) =>
        database.ReadFirstAsync<TaskRecord>(FindSql, ("taskId", taskId), ("accountId", accountId));

    /// <summary>
    /// A QUEUED task's place among its account's waiting tasks (1: the next of them to start; docs/limits.md), or null
    /// when it is not QUEUED.
    /// </summary>
    public async ValueTask<long?> QueuePositionAsync(TaskRecord task)
    {
        if (task.Status != TaskStatuses.Queued) return null;
        return await database.ReadFirstAsync<long>($"SELECT ({PlaceInQueue}) FROM tasks t WHERE id = @id", ("id", task.Id));
    }

    /// <summary>
    /// The task as the query endpoint shows it, with a QUEUED task's <see cref="TaskRecord.QueuePosition"/> read in the
    /// same statement (one round trip to PostgreSQL instead of two); null when the task is not the account's. Only the
    /// columns the task object is built from are read (<see cref="WireColumns"/>): <see cref="TaskRecord.Parameters"/> is
    /// empty, and the attempts, lease, availability, cancel request, backend usage, trace, failure report and webhook
    /// fields are at their defaults. Use <see cref="FindAsync"/> for the whole row.
    /// </summary>
    public ValueTask<TaskRecord?> FindWithQueuePositionAsync(string accountId, string taskId) =>
        database.ReadFirstAsync<TaskRecord>(FindWithPlaceSql, ("taskId", taskId), ("accountId", accountId));

    /// <summary>
    /// Takes a task under a new lease of <paramref name="duration"/>: a running task whose lease lapsed first; else the
    /// oldest ready task of the account served longest ago among those running fewer tasks than their limit (fair
    /// queueing and the running limit, both read in the database by every claim, so they hold across nodes and an
    /// account's new limit applies at once). Null when there is none.
    /// <paramref name="owner"/> names the process, for the operator.
    /// </summary>
    public async Task<TaskLease?> ClaimAsync(string owner, TimeSpan duration, CancellationToken cancellationToken = default)
    {
        var now = clock.NowMs();
        long maxRunning = Math.Max(0, limits?.Server.MaxRunningPerAccount ?? 0);
        // Idle workers look often; a read never waits for the writer, so only take the write lock when there is work.
        if (await database.ReadFirstAsync<string>(AnythingToClaim, ("now", now), ("maxRunning", maxRunning)) is null) return null;
        var token = RandomHex.Digits(32);
        var expires = now + (long)duration.TotalMilliseconds;
        var task = await database.InTransactionAsync(async (db, tx) =>
        {
            var lapsed = await db.QuerySingleOrDefaultAsync<TaskRecord>(
                $"UPDATE tasks {ClaimSet} WHERE id = ({LapsedId} {database.Sql.ClaimLock}) RETURNING {Columns}",
                new { owner, token, expires, now }, tx);
            if (lapsed is not null) return lapsed;
            // The account's row is locked (waited for, on PostgreSQL), so its running count is exact for this claim.
            var accountId = await db.QuerySingleOrDefaultAsync<string?>($"{NextAccount} {database.Sql.RowLock}", new { now, maxRunning }, tx);
            if (accountId is null) return null;
            var next = await db.QuerySingleOrDefaultAsync<TaskRecord>(
                $"UPDATE tasks {ClaimSet} WHERE id = ({HeadOfAccount} {database.Sql.ClaimLock}) RETURNING {Columns}",
                new { owner, token, expires, now, accountId }, tx);
            if (next is not null)
                await db.ExecuteAsync(
                    "UPDATE account_queues SET served_seq = (SELECT max(served_seq) FROM account_queues) + 1 WHERE account_id = @accountId",
                    new { accountId }, tx);
            return next;
        }, cancellationToken);
        return task is null ? null : new TaskLease(this, task, token, duration);
    }

    internal async Task<LeaseState> RenewAsync(TaskLease lease, CancellationToken cancellationToken)
    {
        await using var db = await database.OpenAsync(cancellationToken);
        var cancelRequested = await db.QuerySingleOrDefaultAsync<long?>(new CommandDefinition(
            $"UPDATE tasks SET lease_expires_at = @expires WHERE {Held} RETURNING CASE WHEN cancel_requested_at IS NULL THEN 0 ELSE 1 END",
            new { lease.Task.Id, lease.Token, expires = clock.NowMs() + (long)lease.Duration.TotalMilliseconds },
            cancellationToken: cancellationToken));
        return cancelRequested switch
        {
            null => LeaseState.Lost,
            0 => LeaseState.Held,
            _ => LeaseState.CancelRequested,
        };
    }

    internal async Task<bool> ReportProgressAsync(TaskLease lease, string progressJson)
    {
        await using var db = await database.OpenAsync();
        return await db.ExecuteAsync($"UPDATE tasks SET progress = @progressJson WHERE {Held}", new { lease.Task.Id, lease.Token, progressJson }) == 1;
    }

    internal Task<bool> PostponeAsync(TaskLease lease, long availableAt) =>
        ReturnToQueueAsync(lease, availableAt);

    internal Task<bool> HandBackAsync(TaskLease lease) =>
        ReturnToQueueAsync(lease, null);

    /// <summary>QUEUED again, this run not counted as an attempt, workers everywhere told (a postponed task wakes by its time).</summary>
    private async Task<bool> ReturnToQueueAsync(TaskLease lease, long? availableAt)
    {
        var returned = await database.InTransactionAsync(async (db, tx) => await db.ExecuteAsync(
            $"""
            UPDATE tasks SET status = 'QUEUED', lease_owner = NULL, lease_token = NULL, lease_expires_at = NULL,
                available_at = @availableAt, attempts = attempts - 1, progress = NULL
            WHERE {Held}
            """, new { lease.Task.Id, lease.Token, availableAt }, tx) == 1);
        if (returned && availableAt is null) AnnounceRunnable();
        return returned;
    }

    /// <summary>After the commit that made a task runnable: wakes this process's idle workers and tells the other nodes'.</summary>
    private void AnnounceRunnable()
    {
        signal.Pulse();
        announcer?.Announce();
    }

    internal async Task<string?> FinishAsync(TaskLease lease, RunOutcome outcome)
    {
        var ending = outcome switch
        {
            RunOutcome.Succeeded s => new Ending(TaskStatuses.Success, "", "", s.ResultsJson, null, s.BackendUsage) { Bill = s.Bill },
            RunOutcome.Failed f => new Ending(TaskStatuses.Failed, f.ErrorCode, f.ErrorMessage, null, f.PromptTips, null) { Failure = f.NodeFailure },
            RunOutcome.Cancelled => new Ending(TaskStatuses.Cancel, "", "", null, null, null),
            _ => throw new ArgumentException($"{outcome.GetType().Name} does not end a task", nameof(outcome)),
        };
        var task = lease.Task;
        var limited = limits is not null && (await limits.ForAsync(task.AccountId)).MaxRunning > 0;
        var recorded = await database.InTransactionAsync(async (db, tx) =>
        {
            var now = clock.NowMs();
            // A cancel request wins over whatever the run produced: the caller was told the task is being cancelled.
            var status = await db.QuerySingleOrDefaultAsync<string?>(
                $"""
                UPDATE tasks SET
                    status = CASE WHEN cancel_requested_at IS NULL THEN @Status ELSE 'CANCEL' END,
                    error_code = CASE WHEN cancel_requested_at IS NULL THEN @ErrorCode ELSE '' END,
                    error_message = CASE WHEN cancel_requested_at IS NULL THEN @ErrorMessage ELSE @CancelMessage END,
                    results = CASE WHEN cancel_requested_at IS NULL THEN @Results ELSE NULL END,
                    prompt_tips = @PromptTips, backend_usage = @BackendUsage, progress = NULL,
                    charged = CASE WHEN cancel_requested_at IS NULL THEN @Charged ELSE NULL END,
                    cost_ms = CASE WHEN cancel_requested_at IS NULL THEN @CostMs ELSE NULL END, failure = @Failure,
                    finished_at = @now, lease_owner = NULL, lease_token = NULL, lease_expires_at = NULL
                WHERE {Held}
                RETURNING status
                """, new
                {
                    ending.Status, ending.ErrorCode, ending.ErrorMessage, ending.Results, ending.PromptTips, ending.BackendUsage,
                    Charged = ending.Bill is { } bill ? Math.Min(bill.Charge.Millis, task.Price) : (long?)null, CostMs = ending.Bill?.CostMs,
                    ending.Failure, CancelMessage = TaskCancellation.Message, now, task.Id, lease.Token,
                }, tx);
            if (status is null) return null;
            var price = new Money(task.Price);
            if (status == TaskStatuses.Success) await WalletLedger.SettleAsync(db, tx, task.AccountId, task.Id, price, ending.Bill?.Charge ?? price, now);
            else await WalletLedger.ReleaseAsync(db, tx, task.AccountId, task.Id, price, now);
            // The webhook's delivery is committed with the end, or neither is (docs/webhooks.md).
            await Webhooks.WebhookOutbox.EnqueueAsync(db, tx, task, now);
            return status;
        });
        if (recorded is not null && task.WebhookUrl is not null) ended?.Pulse();
        // The account's running place is free: its next task may start, on whichever node looks first.
        if (recorded is not null && limited) AnnounceRunnable();
        return recorded;
    }

    private sealed record Ending(string Status, string ErrorCode, string ErrorMessage, string? Results, string? PromptTips, string? BackendUsage)
    {
        public RunBill? Bill { get; init; }
        public string? Failure { get; init; }
    }
}
