using RunHub.Accounts;

namespace RunHub.Tests.Data;

public sealed class AccountStoreTests
{
    [Theory, SqliteStore, PostgresStore]
    public async Task Accounts_keys_and_top_ups_round_trip(StoreKind kind)
    {
        using var store = new TestStore(kind);
        var accounts = new AccountDirectory(store.Database, TimeProvider.System);

        var created = await accounts.CreateAsync("team-a", Money.FromDecimal(12.5m));
        Assert.Equal(created.AccountId, await accounts.AuthenticateAsync(created.ApiKey));
        var second = await accounts.CreateKeyAsync(created.AccountId);
        Assert.Equal(created.AccountId, await accounts.AuthenticateAsync(second));
        Assert.Equal(2, (await accounts.ListKeysAsync(created.AccountId)).Count);

        Assert.True((await accounts.RevokeKeyAsync(ApiKey.Mask(second))).Revoked);
        Assert.Null(await accounts.AuthenticateAsync(second));
        Assert.False((await accounts.RevokeKeyAsync(ApiKey.Mask(second))).Revoked);
        Assert.Equal(created.AccountId, await accounts.AuthenticateAsync(created.ApiKey));

        Assert.Equal(Money.FromDecimal(20m), await accounts.TopUpAsync(created.AccountId, Money.FromDecimal(7.5m)));
        var summary = (await accounts.FindAsync(created.AccountId))!;
        Assert.Equal("team-a", summary.Name);
        Assert.Equal(Money.FromDecimal(20m), summary.Balance);
        Assert.Equal(Money.Zero, summary.Held);
        await Assert.ThrowsAsync<KeyNotFoundException>(() => accounts.TopUpAsync("no-such-account", Money.FromDecimal(1m)));
        await Assert.ThrowsAsync<KeyNotFoundException>(() => accounts.CreateKeyAsync("no-such-account"));
    }

    [Theory, SqliteStore, PostgresStore]
    public async Task Nodes_starting_at_once_create_one_first_account(StoreKind kind)
    {
        using var store = new TestStore(kind);
        var nodes = Enumerable.Range(0, 4).Select(_ => new AccountDirectory(store.OpenNode(), TimeProvider.System)).ToList();

        var created = await AtOnce.RunAsync(nodes.Count, i => nodes[i].CreateFirstAccountAsync("default", Money.FromDecimal(10m)).GetAwaiter().GetResult());

        Assert.Single(created, c => c is not null);
        Assert.Single(await nodes[0].ListAsync());
    }
}
