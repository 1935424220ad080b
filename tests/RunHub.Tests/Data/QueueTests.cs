using System.Collections.Concurrent;
using Dapper;
using RunHub.Accounts;
using RunHub.Tasks;

namespace RunHub.Tests.Data;

public sealed class QueueTests
{
    private static readonly TimeSpan LongLease = TimeSpan.FromMinutes(5);

    [Theory, SqliteStore, PostgresStore]
    public async Task Workers_of_two_nodes_claiming_at_once_never_take_the_same_task(StoreKind kind)
    {
        using var store = new TestStore(kind);
        var nodes = Node.Open(store, 2);
        var account = await nodes[0].Accounts.CreateAsync("claims", Money.FromDecimal(100m));
        var submitted = new List<string>();
        for (var i = 0; i < 40; i++) submitted.Add((await nodes[i % 2].SubmitAsync(account.AccountId, Money.FromDecimal(0.01m))).Task!.Id);

        var claimed = new ConcurrentBag<string>();
        var workers = nodes.SelectMany(node => Enumerable.Range(0, 4).Select(w => Task.Run(async () =>
        {
            while (await node.Queue.ClaimAsync($"node{nodes.IndexOf(node)}-worker{w}", LongLease) is { } lease) claimed.Add(lease.Task.Id);
        })));
        await Task.WhenAll(workers);

        Assert.Equal(submitted.Count, claimed.Count);
        Assert.Equal(submitted.Order(), claimed.Order());
        foreach (var node in nodes) await node.DisposeAsync();
    }

    [Theory, SqliteStore, PostgresStore]
    public async Task A_lapsed_lease_is_rescued_by_another_node_and_the_first_owner_cannot_finish(StoreKind kind)
    {
        using var store = new TestStore(kind);
        var nodes = Node.Open(store, 2);
        var account = await nodes[0].Accounts.CreateAsync("lapse", Money.FromDecimal(1m));
        var price = Money.FromDecimal(0.25m);
        var submitted = (await nodes[0].SubmitAsync(account.AccountId, price)).Task!;

        // A lease that has already run out: what a node that died mid-task leaves behind.
        var first = (await nodes[0].Queue.ClaimAsync("dead-node", TimeSpan.FromSeconds(-1)))!;
        Assert.Equal(submitted.Id, first.Task.Id);
        var rescued = await nodes[1].Queue.ClaimAsync("live-node", LongLease);
        Assert.NotNull(rescued);
        Assert.Equal(submitted.Id, rescued.Task.Id);
        Assert.Equal(2, rescued.Task.Attempts);
        Assert.Null(await nodes[0].Queue.ClaimAsync("another-node", LongLease));

        Assert.Equal(LeaseState.Lost, await first.RenewAsync());
        Assert.Null(await first.FinishAsync(new RunOutcome.Succeeded("[]", null)));
        Assert.Equal(LeaseState.Held, await rescued.RenewAsync());
        Assert.Equal(TaskStatuses.Success, await rescued.FinishAsync(new RunOutcome.Succeeded("[]", null)));
        Assert.Null(await rescued.FinishAsync(new RunOutcome.Failed("1015", "a second outcome")));

        Assert.Equal(TaskStatuses.Success, (await nodes[0].Queue.FindAsync(account.AccountId, submitted.Id))!.Status);
        using var db = store.Database.Open();
        Assert.Equal(["reserve", "settle"], db.Query<string>("SELECT kind FROM ledger WHERE task_id = @Id ORDER BY id", submitted).ToList());
        Assert.Equal(Money.FromDecimal(0.75m), (await nodes[1].Accounts.FindAsync(account.AccountId))!.Balance);
        foreach (var node in nodes) await node.DisposeAsync();
    }

    [Theory, SqliteStore, PostgresStore]
    public async Task A_handed_back_task_is_claimed_again_without_using_an_attempt_and_a_failed_one_gives_its_money_back(StoreKind kind)
    {
        using var store = new TestStore(kind);
        await using var node = new Node(store.Database);
        var account = await node.Accounts.CreateAsync("requeue", Money.FromDecimal(1m));
        var submitted = (await node.SubmitAsync(account.AccountId, Money.FromDecimal(0.4m))).Task!;

        // Five rolling restarts, each handing the task back: none of them counts as an attempt.
        for (var restart = 0; restart < 5; restart++)
        {
            var claimed = (await node.Queue.ClaimAsync("stopping-node", LongLease))!;
            Assert.Equal(1, claimed.Task.Attempts);
            Assert.True(await claimed.HandBackAsync());
            Assert.False(await claimed.HandBackAsync());
        }
        var again = (await node.Queue.ClaimAsync("other-node", LongLease))!;
        Assert.Equal((submitted.Id, 1L), (again.Task.Id, again.Task.Attempts));
        Assert.Equal(TaskStatuses.Failed, await again.FinishAsync(new RunOutcome.Failed("1015", "generation failed")));

        var summary = (await node.Accounts.FindAsync(account.AccountId))!;
        Assert.Equal(Money.FromDecimal(1m), summary.Balance);
        Assert.Equal(Money.Zero, summary.Held);
        var failed = (await node.Queue.FindAsync(account.AccountId, submitted.Id))!;
        Assert.Equal((TaskStatuses.Failed, "1015"), (failed.Status, failed.ErrorCode));
        Assert.Null(await node.Queue.FindAsync("another-account", submitted.Id));
    }

    [Theory, SqliteStore, PostgresStore]
    public async Task A_stale_lease_of_the_same_process_can_no_longer_renew_report_postpone_hand_back_or_finish(StoreKind kind)
    {
        using var store = new TestStore(kind);
        await using var node = new Node(store.Database);
        var account = await node.Accounts.CreateAsync("stale", Money.FromDecimal(1m));
        var submitted = (await node.SubmitAsync(account.AccountId, Money.FromDecimal(0.5m))).Task!;

        // One process, one owner name: the first run's lease lapsed while it went on, and another loop re-claimed it.
        var stale = (await node.Queue.ClaimAsync("this-process", TimeSpan.FromSeconds(-1)))!;
        var current = (await node.Queue.ClaimAsync("this-process", LongLease))!;
        Assert.Equal(stale.Task.Id, current.Task.Id);
        Assert.NotEqual(stale.Token, current.Token);

        Assert.Equal(LeaseState.Lost, await stale.RenewAsync());
        Assert.False(await stale.ReportProgressAsync("""{"percent":50}"""));
        Assert.False(await stale.PostponeAsync(0));
        Assert.False(await stale.HandBackAsync());
        Assert.Null(await stale.FinishAsync(new RunOutcome.Failed("1015", "the stale run's outcome")));
        Assert.Null(await stale.FinishAsync(new RunOutcome.Succeeded("[]", null)));

        var running = (await node.Queue.FindAsync(account.AccountId, submitted.Id))!;
        Assert.Equal((TaskStatuses.Running, null), (running.Status, running.Progress));
        Assert.Equal(LeaseState.Held, await current.RenewAsync());
        Assert.True(await current.ReportProgressAsync("""{"percent":50}"""));
        Assert.Equal(TaskStatuses.Success, await current.FinishAsync(new RunOutcome.Succeeded("[]", null)));
        using var db = store.Database.Open();
        Assert.Equal(["reserve", "settle"], db.Query<string>("SELECT kind FROM ledger WHERE task_id = @Id ORDER BY id", submitted).ToList());
    }
}
