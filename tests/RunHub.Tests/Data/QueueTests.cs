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
        var account = nodes[0].Accounts.Create("claims", Money.FromDecimal(100m));
        var submitted = new List<string>();
        for (var i = 0; i < 40; i++) submitted.Add((await nodes[i % 2].SubmitAsync(account.AccountId, Money.FromDecimal(0.01m))).Task!.Id);

        var claimed = new ConcurrentBag<string>();
        var workers = nodes.SelectMany(node => Enumerable.Range(0, 4).Select(w => Task.Run(() =>
        {
            while (node.Queue.Claim($"node{nodes.IndexOf(node)}-worker{w}", LongLease) is { } task) claimed.Add(task.Id);
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
        var account = nodes[0].Accounts.Create("lapse", Money.FromDecimal(1m));
        var price = Money.FromDecimal(0.25m);
        var submitted = (await nodes[0].SubmitAsync(account.AccountId, price)).Task!;

        // A lease that has already run out: what a node that died mid-task leaves behind.
        var first = nodes[0].Queue.Claim("dead-node", TimeSpan.FromSeconds(-1))!;
        Assert.Equal(submitted.Id, first.Id);
        var rescued = nodes[1].Queue.Claim("live-node", LongLease);
        Assert.NotNull(rescued);
        Assert.Equal(submitted.Id, rescued.Id);
        Assert.Equal(2, rescued.Attempts);
        Assert.Null(nodes[0].Queue.Claim("another-node", LongLease));

        Assert.Equal(LeaseState.Lost, nodes[0].Queue.Renew(first.Id, "dead-node", LongLease));
        Assert.Null(nodes[0].Queue.Succeed(first, "dead-node", "[]"));
        Assert.Equal(LeaseState.Held, nodes[1].Queue.Renew(rescued.Id, "live-node", LongLease));
        Assert.Equal(TaskStatuses.Success, nodes[1].Queue.Succeed(rescued, "live-node", "[]"));
        Assert.Null(nodes[1].Queue.Fail(rescued, "live-node", "1015", "a second outcome"));

        Assert.Equal(TaskStatuses.Success, nodes[0].Queue.Find(account.AccountId, submitted.Id)!.Status);
        using var db = store.Database.Open();
        Assert.Equal(["reserve", "settle"], db.Query<string>("SELECT kind FROM ledger WHERE task_id = @Id ORDER BY id", submitted).ToList());
        Assert.Equal(Money.FromDecimal(0.75m), nodes[1].Accounts.Find(account.AccountId)!.Balance);
        foreach (var node in nodes) await node.DisposeAsync();
    }

    [Theory, SqliteStore, PostgresStore]
    public async Task A_requeued_task_is_claimed_again_and_a_failed_one_gives_its_money_back(StoreKind kind)
    {
        using var store = new TestStore(kind);
        await using var node = new Node(store.Database);
        var account = node.Accounts.Create("requeue", Money.FromDecimal(1m));
        var submitted = (await node.SubmitAsync(account.AccountId, Money.FromDecimal(0.4m))).Task!;

        var claimed = node.Queue.Claim("stopping-node", LongLease)!;
        node.Queue.Requeue(claimed, "stopping-node");
        var again = node.Queue.Claim("other-node", LongLease)!;
        Assert.Equal(submitted.Id, again.Id);
        Assert.Equal(TaskStatuses.Failed, node.Queue.Fail(again, "other-node", "1015", "generation failed"));

        var summary = node.Accounts.Find(account.AccountId)!;
        Assert.Equal(Money.FromDecimal(1m), summary.Balance);
        Assert.Equal(Money.Zero, summary.Held);
        var failed = node.Queue.Find(account.AccountId, submitted.Id)!;
        Assert.Equal((TaskStatuses.Failed, "1015"), (failed.Status, failed.ErrorCode));
        Assert.Null(node.Queue.Find("another-account", submitted.Id));
    }
}
