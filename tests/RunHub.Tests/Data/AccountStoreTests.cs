using RunHub.Accounts;

namespace RunHub.Tests.Data;

public sealed class AccountStoreTests
{
    [Theory, SqliteStore, PostgresStore]
    public async Task Accounts_keys_and_top_ups_round_trip(StoreKind kind)
    {
        using var store = new TestStore(kind);
        var accounts = new AccountDirectory(store.Database);

        var created = accounts.Create("team-a", Money.FromDecimal(12.5m));
        Assert.Equal(created.AccountId, accounts.Authenticate(created.ApiKey));
        var second = accounts.CreateKey(created.AccountId);
        Assert.Equal(created.AccountId, accounts.Authenticate(second));
        Assert.Equal(2, accounts.ListKeys(created.AccountId).Count);

        Assert.True((await accounts.RevokeKeyAsync(ApiKey.Mask(second))).Revoked);
        Assert.Null(accounts.Authenticate(second));
        Assert.False((await accounts.RevokeKeyAsync(ApiKey.Mask(second))).Revoked);
        Assert.Equal(created.AccountId, accounts.Authenticate(created.ApiKey));

        Assert.Equal(Money.FromDecimal(20m), accounts.TopUp(created.AccountId, Money.FromDecimal(7.5m)));
        var summary = accounts.Find(created.AccountId)!;
        Assert.Equal("team-a", summary.Name);
        Assert.Equal(Money.FromDecimal(20m), summary.Balance);
        Assert.Equal(Money.Zero, summary.Held);
        Assert.Throws<KeyNotFoundException>(() => accounts.TopUp("no-such-account", Money.FromDecimal(1m)));
        Assert.Throws<KeyNotFoundException>(() => accounts.CreateKey("no-such-account"));
    }

    [Theory, SqliteStore, PostgresStore]
    public async Task Nodes_starting_at_once_create_one_first_account(StoreKind kind)
    {
        using var store = new TestStore(kind);
        var nodes = Enumerable.Range(0, 4).Select(_ => new AccountDirectory(store.OpenNode())).ToList();

        var created = await AtOnce.RunAsync(nodes.Count, i => nodes[i].CreateFirstAccount("default", Money.FromDecimal(10m)));

        Assert.Single(created, c => c is not null);
        Assert.Single(nodes[0].List());
    }
}
