using Dapper;
using RunHub.Accounts;
using RunHub.Limits;
using RunHub.Tasks;
using RunHub.Tests.Data;

namespace RunHub.Tests.Limits;

/// <summary>Workers take the accounts in turn, an account's running limit holds for every node, and the queue limits refuse before anything is written.</summary>
public sealed class FairQueueTests
{
    private static readonly TimeSpan Lease = TimeSpan.FromMinutes(5);

    [Theory, SqliteStore, PostgresStore]
    public async Task One_accounts_ten_thousand_queued_tasks_delay_another_accounts_next_task_by_at_most_one_task_per_worker(StoreKind kind)
    {
        using var store = new TestStore(kind);
        await using var node = new Node(store.Database);
        var busy = await node.Accounts.CreateAsync("busy", Money.FromDecimal(1m));
        var other = await node.Accounts.CreateAsync("other", Money.FromDecimal(1m));
        await QueueManyAsync(store, busy.AccountId, 10_000);
        const int workers = 4;
        // Every worker is busy with the busy account's tasks when the other account's task arrives.
        var running = new List<TaskLease>();
        for (var i = 0; i < workers; i++) running.Add((await node.Queue.ClaimAsync($"worker-{i}", Lease))!);
        Assert.All(running, lease => Assert.Equal(busy.AccountId, lease.Task.AccountId));
        var waiting = (await node.SubmitAsync(other.AccountId, Money.FromDecimal(0.01m))).Task!;

        // Each worker that frees up takes the next task: the other account's is the very next one started.
        var startedBefore = 0;
        for (var i = 0; ; i++)
        {
            await running[i % workers].FinishAsync(new RunOutcome.Succeeded("[]", null));
            var next = (await node.Queue.ClaimAsync($"worker-{i % workers}", Lease))!;
            running[i % workers] = next;
            if (next.Task.Id == waiting.Id) break;
            startedBefore++;
            Assert.True(startedBefore <= workers, $"{startedBefore} of the busy account's tasks started before the other account's");
        }
        Assert.Equal(0, startedBefore);
    }

    [Theory, SqliteStore, PostgresStore]
    public async Task Workers_take_the_accounts_in_turn_and_each_accounts_tasks_in_the_order_they_came(StoreKind kind)
    {
        using var store = new TestStore(kind);
        await using var node = new Node(store.Database);
        var accounts = new List<string>();
        var tasks = new Dictionary<string, List<string>>();
        foreach (var name in new[] { "a", "b", "c" })
        {
            var account = await node.Accounts.CreateAsync(name, Money.FromDecimal(1m));
            accounts.Add(account.AccountId);
            tasks[account.AccountId] = [];
        }
        // All of a's tasks first, then b's, then c's: without fair queueing they would start in that order.
        foreach (var account in accounts)
            for (var i = 0; i < 3; i++)
                tasks[account].Add((await node.SubmitAsync(account, Money.FromDecimal(0.01m))).Task!.Id);

        var started = new List<TaskRecord>();
        for (var i = 0; i < 9; i++) started.Add((await node.Queue.ClaimAsync("worker", Lease))!.Task);

        for (var round = 0; round < 3; round++)
            Assert.Equal(accounts.Order(), started.Skip(round * 3).Take(3).Select(t => t.AccountId).Order());
        foreach (var account in accounts)
            Assert.Equal(tasks[account], started.Where(t => t.AccountId == account).Select(t => t.Id));
    }

    [Theory, SqliteStore, PostgresStore]
    public async Task An_accounts_running_limit_holds_across_two_nodes_and_the_rest_wait_queued_in_order(StoreKind kind)
    {
        using var store = new TestStore(kind);
        var nodes = Node.Open(store, 2, new LimitsOptions { MaxRunningPerAccount = 2 });
        try
        {
            var account = await nodes[0].Accounts.CreateAsync("limited", Money.FromDecimal(1m));
            var other = await nodes[0].Accounts.CreateAsync("other", Money.FromDecimal(1m));
            var ids = new List<string>();
            for (var i = 0; i < 4; i++) ids.Add((await nodes[i % 2].SubmitAsync(account.AccountId, Money.FromDecimal(0.01m))).Task!.Id);

            // Both nodes' workers race for the account's tasks: with a limit of 2, exactly two start, the oldest.
            var claims = await Task.WhenAll(Enumerable.Range(0, 8).Select(i => nodes[i % 2].Queue.ClaimAsync($"n{i % 2}-w{i}", Lease)));
            var started = claims.Where(c => c is not null).Select(c => c!).ToList();
            Assert.Equal(ids.Take(2).Order(), started.Select(s => s.Task.Id).Order());
            var counts = new TaskCounts(nodes[1].Database);
            Assert.Equal(new TaskCounts.Active(2, 2), await counts.ActiveAsync(account.AccountId, CancellationToken.None));
            Assert.Equal(1L, await nodes[1].Queue.QueuePositionAsync((await nodes[1].Queue.FindAsync(account.AccountId, ids[2]))!));
            Assert.Equal(2L, await nodes[1].Queue.QueuePositionAsync((await nodes[1].Queue.FindAsync(account.AccountId, ids[3]))!));
            Assert.Null(await nodes[1].Queue.QueuePositionAsync((await nodes[1].Queue.FindAsync(account.AccountId, ids[0]))!));

            // Another account is not held up by the first one's limit.
            var others = (await nodes[1].SubmitAsync(other.AccountId, Money.FromDecimal(0.01m))).Task!;
            Assert.Equal(others.Id, (await nodes[1].Queue.ClaimAsync("n1", Lease))!.Task.Id);
            Assert.Null(await nodes[0].Queue.ClaimAsync("n0", Lease));

            // One ends (failed, refunded): the next in line starts, on whichever node looks.
            await started[0].FinishAsync(new RunOutcome.Failed("1015", "test"));
            Assert.Equal(ids[2], (await nodes[1].Queue.ClaimAsync("n1", Lease))!.Task.Id);
            Assert.Null(await nodes[0].Queue.ClaimAsync("n0", Lease));
            Assert.Equal(new TaskCounts.Active(1, 2), await counts.ActiveAsync(account.AccountId, CancellationToken.None));
        }
        finally
        {
            foreach (var node in nodes) await node.DisposeAsync();
        }
    }

    [Theory, SqliteStore, PostgresStore]
    public async Task A_submit_beyond_the_queued_limit_or_in_refusal_mode_beyond_the_running_limit_writes_nothing(StoreKind kind)
    {
        using var store = new TestStore(kind);
        await using var queueing = new Node(store.Database, new LimitsOptions { MaxQueuedPerAccount = 2 });
        var account = await queueing.Accounts.CreateAsync("full", Money.FromDecimal(1m));
        Assert.Equal(SubmitOutcome.Created, (await queueing.SubmitAsync(account.AccountId, Money.FromDecimal(0.1m))).Outcome);
        Assert.Equal(SubmitOutcome.Created, (await queueing.SubmitAsync(account.AccountId, Money.FromDecimal(0.1m))).Outcome);
        Assert.Equal(SubmitOutcome.QueueFull, (await queueing.SubmitAsync(account.AccountId, Money.FromDecimal(0.1m))).Outcome);

        await using var refusing = new Node(store.OpenNode(), new LimitsOptions { MaxRunningPerAccount = 2, RefuseOverConcurrency = true });
        Assert.Equal(SubmitOutcome.ConcurrencyLimit, (await refusing.SubmitAsync(account.AccountId, Money.FromDecimal(0.1m))).Outcome);
        // A task that starts still counts; one that ends makes room.
        var lease = (await refusing.Queue.ClaimAsync("worker", Lease))!;
        Assert.Equal(SubmitOutcome.ConcurrencyLimit, (await refusing.SubmitAsync(account.AccountId, Money.FromDecimal(0.1m))).Outcome);
        await lease.FinishAsync(new RunOutcome.Succeeded("[]", null));
        Assert.Equal(SubmitOutcome.Created, (await refusing.SubmitAsync(account.AccountId, Money.FromDecimal(0.1m))).Outcome);

        await using var db = await store.Database.OpenAsync();
        Assert.Equal(3, await db.ExecuteScalarAsync<long>("SELECT count(*) FROM tasks"));
        // 1 CNY less the settled task and the two reserved: nothing for the refused ones.
        Assert.Equal(0.7m, (await queueing.Accounts.FindAsync(account.AccountId))!.Balance.ToDecimal());
    }

    /// <summary>
    /// Inserts <paramref name="count"/> QUEUED tasks of one account in one statement, and counts them in the account's
    /// queue row as a submit does (PostgreSQL's trigger counts them itself).
    /// </summary>
    private static async Task QueueManyAsync(TestStore store, string accountId, int count)
    {
        await using var db = await store.Database.OpenAsync();
        if (store.Database.Sql.CountQueuedInsert is not null)
            await db.ExecuteAsync(
                """
                INSERT INTO account_queues AS q (account_id, queued) VALUES (@accountId, @count)
                ON CONFLICT (account_id) DO UPDATE SET queued = q.queued + excluded.queued
                """, new { accountId, count });
        await db.ExecuteAsync(
            """
            WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < @count)
            INSERT INTO tasks (id, account_id, endpoint, client_id, status, parameters, price, created_at)
            SELECT CAST(@first + i AS TEXT), @accountId, 'test/model', 'c', 'QUEUED', '{}', 0, @now FROM n
            """, new { count, first = 1_000_000_000_000_000_000L, accountId, now = TimeProvider.System.GetUtcNow().ToUnixTimeMilliseconds() });
    }
}
