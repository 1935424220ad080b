using Dapper;
using RunHub.Accounts;
using RunHub.Tests.Data;
using RunHub.Tests.Support;

namespace RunHub.Tests.Cluster;

/// <summary>Two API nodes on one PostgreSQL charging one wallet at once never overdraw it.</summary>
public sealed class WalletAcrossNodesTests
{
    [PostgresFact]
    public async Task Parallel_submits_to_two_nodes_from_one_wallet_never_overdraw_it_and_the_ledger_matches_the_balance()
    {
        using var store = new TestStore(StoreKind.Postgres);
        var apiOnly = new Dictionary<string, string?>(store.ServerSettings) { ["Role"] = "api" };
        await using var first = await TestServer.StartAsync(apiOnly, store.DataDir);
        await using var second = await TestServer.StartAsync(apiOnly, store.DataDir);
        var account = await first.Accounts.CreateAsync("shared wallet", Money.FromDecimal(0.30m));   // ten tasks at 0.03
        var callers = new[] { first, second }.Select(s => new ApiCaller(s.Http, account.AccountId, account.ApiKey)).ToArray();

        var answers = await Task.WhenAll(Enumerable.Range(0, 40).Select(i =>
            callers[i % 2].SubmitAsync("rhart-image-g-1.5/text-to-image", new { prompt = "one wallet, two nodes " + i, aspectRatio = "1:1" })));

        var accepted = answers.Where(a => (string)a["errorCode"]! == "").ToList();
        Assert.Equal(10, accepted.Count);
        Assert.All(answers.Except(accepted), a => Assert.Equal("812", (string)a["errorCode"]!));
        Assert.Equal(0m, await callers[1].BalanceAsync());
        using var db = store.Database.Open();
        var (sum, held, balance) = db.QuerySingle<(long, long, long)>(
            "SELECT CAST(sum(amount) AS BIGINT), CAST(sum(held) AS BIGINT), (SELECT balance FROM accounts WHERE id = @AccountId) FROM ledger WHERE account_id = @AccountId",
            account);
        Assert.Equal((0L, 300L), (balance, held));
        Assert.Equal(balance, sum);
    }
}
