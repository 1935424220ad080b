using RunHub.Accounts;
using RunHub.Limits;
using RunHub.Tasks;
using RunHub.Tests.Data;

namespace RunHub.Tests.Limits;

/// <summary>An account's own running and queued limits over the server's, in the store, on two nodes.</summary>
public sealed class AccountLimitTests
{
    private static readonly TimeSpan Lease = TimeSpan.FromMinutes(5);

    [Theory, SqliteStore, PostgresStore]
    public async Task An_accounts_own_running_limit_holds_across_two_nodes_while_another_account_has_the_servers(StoreKind kind)
    {
        using var store = new TestStore(kind);
        var nodes = Node.Open(store, 2, new LimitsOptions { MaxRunningPerAccount = 2 });
        try
        {
            var settings = new AccountLimitSettings(nodes[0].Database);
            var own = (await nodes[0].Accounts.CreateAsync("own", Money.FromDecimal(1m))).AccountId;
            var other = (await nodes[0].Accounts.CreateAsync("other", Money.FromDecimal(1m))).AccountId;
            await settings.SetAsync(own, new AccountLimitSettings.Change { MaxRunning = 1 });
            var owns = new List<string>();
            for (var i = 0; i < 4; i++)
            {
                owns.Add((await nodes[i % 2].SubmitAsync(own, Money.FromDecimal(0.01m))).Task!.Id);
                await nodes[(i + 1) % 2].SubmitAsync(other, Money.FromDecimal(0.01m));
            }

            // Both nodes' workers race: the account with its own limit of 1 runs its oldest task, the other the server's 2.
            var claims = await Task.WhenAll(Enumerable.Range(0, 10).Select(i => nodes[i % 2].Queue.ClaimAsync($"n{i % 2}-w{i}", Lease)));
            var started = claims.Where(c => c is not null).Select(c => c!.Task).ToList();
            Assert.Equal([owns[0]], started.Where(t => t.AccountId == own).Select(t => t.Id));
            Assert.Equal(2, started.Count(t => t.AccountId == other));
            var counts = new TaskCounts(nodes[1].Database);
            Assert.Equal(new TaskCounts.Active(3, 1), await counts.ActiveAsync(own, CancellationToken.None));

            // Back to the server's: the workers' next look starts its next task, and no more than 2 run.
            await settings.SetAsync(own, new AccountLimitSettings.Change { ClearMaxRunning = true });
            Assert.Equal(owns[1], (await nodes[1].Queue.ClaimAsync("n1", Lease))!.Task.Id);
            Assert.Null(await nodes[0].Queue.ClaimAsync("n0", Lease));

            // Above the server's: 3 at once for this account, the other still held to 2.
            await settings.SetAsync(own, new AccountLimitSettings.Change { MaxRunning = 3 });
            Assert.Equal(owns[2], (await nodes[0].Queue.ClaimAsync("n0", Lease))!.Task.Id);
            Assert.Null(await nodes[1].Queue.ClaimAsync("n1", Lease));
            Assert.Equal(new TaskCounts.Active(1, 3), await counts.ActiveAsync(own, CancellationToken.None));
        }
        finally
        {
            foreach (var node in nodes) await node.DisposeAsync();
        }
    }

    [Theory, SqliteStore, PostgresStore]
    public async Task An_accounts_own_queued_limit_refuses_at_its_own_limit_and_clearing_it_restores_the_servers(StoreKind kind)
    {
        using var store = new TestStore(kind);
        await using var node = new Node(store.Database, new LimitsOptions { MaxQueuedPerAccount = 3 });
        var settings = new AccountLimitSettings(store.Database);
        var own = (await node.Accounts.CreateAsync("own", Money.FromDecimal(1m))).AccountId;
        var other = (await node.Accounts.CreateAsync("other", Money.FromDecimal(1m))).AccountId;
        await settings.SetAsync(own, new AccountLimitSettings.Change { MaxQueued = 1 });

        Assert.Equal(SubmitOutcome.Created, (await node.SubmitAsync(own, Money.FromDecimal(0.1m))).Outcome);
        var full = await node.SubmitAsync(own, Money.FromDecimal(0.1m));
        Assert.Equal(SubmitOutcome.QueueFull, full.Outcome);
        Assert.Equal("queue full: this account may have at most 1 tasks waiting; retry when some have started", QueueAdmission.Message(full));
        for (var i = 0; i < 3; i++) Assert.Equal(SubmitOutcome.Created, (await node.SubmitAsync(other, Money.FromDecimal(0.1m))).Outcome);
        Assert.Contains("at most 3 tasks waiting", QueueAdmission.Message(await node.SubmitAsync(other, Money.FromDecimal(0.1m))));

        // The server's 3 again, then none of its own (0): more than the server's.
        Assert.Equal(new OwnLimits(null, null, null), await settings.SetAsync(own, new AccountLimitSettings.Change { ClearMaxQueued = true }));
        Assert.Equal(SubmitOutcome.Created, (await node.SubmitAsync(own, Money.FromDecimal(0.1m))).Outcome);
        Assert.Equal(SubmitOutcome.Created, (await node.SubmitAsync(own, Money.FromDecimal(0.1m))).Outcome);
        Assert.Equal(SubmitOutcome.QueueFull, (await node.SubmitAsync(own, Money.FromDecimal(0.1m))).Outcome);
        await settings.SetAsync(own, new AccountLimitSettings.Change { MaxQueued = 0 });
        Assert.Equal(SubmitOutcome.Created, (await node.SubmitAsync(own, Money.FromDecimal(0.1m))).Outcome);
        // The refused submits cost nothing: 1 CNY less the four queued tasks.
        Assert.Equal(0.6m, (await node.Accounts.FindAsync(own))!.Balance.ToDecimal());

        // In refusal mode the account's own running limit is the one a submit is refused at (1520), and named.
        await using var refusing = new Node(store.OpenNode(), new LimitsOptions { MaxRunningPerAccount = 10, RefuseOverConcurrency = true });
        await settings.SetAsync(own, new AccountLimitSettings.Change { MaxRunning = 4 });
        var refused = await refusing.SubmitAsync(own, Money.FromDecimal(0.1m));
        Assert.Equal(SubmitOutcome.ConcurrencyLimit, refused.Outcome);
        Assert.Contains("at most 4 tasks queued or running at once", QueueAdmission.Message(refused));
        Assert.Equal(SubmitOutcome.Created, (await refusing.SubmitAsync(other, Money.FromDecimal(0.1m))).Outcome);
    }
}
