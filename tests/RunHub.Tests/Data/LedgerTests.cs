using Dapper;
using RunHub.Accounts;
using RunHub.Tasks;

namespace RunHub.Tests.Data;

public sealed class LedgerTests
{
    [Theory, SqliteStore, PostgresStore]
    public async Task Parallel_submits_from_several_nodes_never_overdraw_a_wallet_and_the_ledger_matches_the_balance(StoreKind kind)
    {
        using var store = new TestStore(kind);
        var nodes = Node.Open(store, 3);
        var account = await nodes[0].Accounts.CreateAsync("wallet", Money.FromDecimal(10m));
        var price = Money.FromDecimal(0.3m);   // 33 fit in 10.00, the 34th does not

        var results = await AtOnce.RunAsync(90, i => nodes[i % nodes.Count].SubmitAsync(account.AccountId, price).GetAwaiter().GetResult());

        Assert.Equal(33, results.Count(r => r.Outcome == SubmitOutcome.Created));
        Assert.Equal(57, results.Count(r => r.Outcome == SubmitOutcome.InsufficientBalance));
        var summary = (await nodes[2].Accounts.FindAsync(account.AccountId))!;
        Assert.Equal(Money.FromDecimal(0.1m), summary.Balance);
        Assert.Equal(Money.FromDecimal(9.9m), summary.Held);

        // Finish them on all nodes, some failing: the ledger still sums to the balance and nothing stays held.
        var finished = 0;
        for (var i = 0; await nodes[i % 3].Queue.ClaimAsync("worker" + i % 3, TimeSpan.FromMinutes(5)) is { } lease; i++)
        {
            Assert.NotNull(await lease.FinishAsync(i % 4 == 0 ? new RunOutcome.Failed("1015", "failed") : new RunOutcome.Succeeded("[]", null)));
            finished++;
        }
        Assert.Equal(33, finished);
        using var db = store.Database.Open();
        var (sum, held, balance) = db.QuerySingle<(long, long, long)>(
            "SELECT CAST(sum(amount) AS BIGINT), CAST(sum(held) AS BIGINT), (SELECT balance FROM accounts WHERE id = @AccountId) FROM ledger WHERE account_id = @AccountId",
            account);
        Assert.Equal(balance, sum);
        Assert.Equal(0, held);
        Assert.Equal(10_000 - 300 * (33 - 9), balance);   // 9 of the 33 failed (i = 0, 4, ..., 32) and were given back
        foreach (var node in nodes) await node.DisposeAsync();
    }

    [Theory, SqliteStore, PostgresStore]
    public async Task One_idempotency_key_sent_to_two_nodes_at_once_creates_one_task_charged_once(StoreKind kind)
    {
        using var store = new TestStore(kind);
        var nodes = Node.Open(store, 2);
        var account = await nodes[0].Accounts.CreateAsync("retries", Money.FromDecimal(5m));
        var key = IdempotencyKey.From("retry-1", "test/model", """{"prompt":"a lighthouse"}""", out _)!;

        var results = await AtOnce.RunAsync(20, i => nodes[i % 2].SubmitAsync(account.AccountId, Money.FromDecimal(1m), key).GetAwaiter().GetResult());

        Assert.Single(results, r => r.Outcome == SubmitOutcome.Created);
        Assert.All(results, r => Assert.Contains(r.Outcome, new[] { SubmitOutcome.Created, SubmitOutcome.Replayed }));
        Assert.Single(results.Select(r => r.Task!.Id).Distinct());
        Assert.Equal(Money.FromDecimal(4m), (await nodes[1].Accounts.FindAsync(account.AccountId))!.Balance);
        foreach (var node in nodes) await node.DisposeAsync();
    }
}
