using Dapper;
using RunHub.Accounts;

namespace RunHub.Tests.Data;

/// <summary>
/// Revoking by a masked key (issue 11 item 10): a hint shows 8 of a key's 32 characters, so keys of different
/// accounts can share one; a hint must never revoke more than one key, and never one the operator did not mean.
/// </summary>
public sealed class KeyRevocationTests
{
    /// <summary>Two live keys with the hint 46eb****0634, one in each of two accounts, as in the issue.</summary>
    internal static async Task<(string KeyA, string AccountA, string KeyB, string AccountB)> TwoAccountsSharingAHintAsync(AccountDirectory accounts, RunHub.Data.Database database)
    {
        var a = await accounts.CreateAsync("team-a", Money.Zero);
        var b = await accounts.CreateAsync("team-b", Money.Zero);
        const string keyA = "46eb" + "111111111111111111111111" + "0634";
        const string keyB = "46eb" + "222222222222222222222222" + "0634";
        using var db = database.Open();
        foreach (var (key, account) in new[] { (keyA, a.AccountId), (keyB, b.AccountId) })
            db.Execute("INSERT INTO api_keys (key_hash, account_id, key_hint, created_at) VALUES (@hash, @account, @hint, 1)",
                new { hash = ApiKey.Hash(key), account, hint = ApiKey.Mask(key) });
        return (keyA, a.AccountId, keyB, b.AccountId);
    }

    [Theory, SqliteStore, PostgresStore]
    public async Task A_masked_key_shared_by_two_accounts_revokes_nothing_and_names_both(StoreKind kind)
    {
        using var store = new TestStore(kind);
        var accounts = new AccountDirectory(store.Database, TimeProvider.System);
        var (keyA, accountA, keyB, accountB) = await TwoAccountsSharingAHintAsync(accounts, store.Database);

        var outcome = await accounts.RevokeKeyAsync("46eb************************0634");

        Assert.False(outcome.Revoked);
        Assert.True(outcome.Ambiguous);
        Assert.Equal([accountA, accountB], outcome.Matches.Select(m => m.AccountId).Order());
        Assert.Equal(accountA, await accounts.AuthenticateAsync(keyA));
        Assert.Equal(accountB, await accounts.AuthenticateAsync(keyB));
    }

    [Theory, SqliteStore, PostgresStore]
    public async Task A_masked_key_with_its_account_revokes_that_accounts_key_only(StoreKind kind)
    {
        using var store = new TestStore(kind);
        var accounts = new AccountDirectory(store.Database, TimeProvider.System);
        var (keyA, _, keyB, accountB) = await TwoAccountsSharingAHintAsync(accounts, store.Database);

        var outcome = await accounts.RevokeKeyAsync(ApiKey.Mask(keyB), accountB);

        Assert.True(outcome.Revoked);
        Assert.Equal(accountB, Assert.Single(outcome.Matches).AccountId);
        Assert.Null(await accounts.AuthenticateAsync(keyB));
        Assert.NotNull(await accounts.AuthenticateAsync(keyA));
    }

    [Theory, SqliteStore, PostgresStore]
    public async Task A_full_key_revokes_exactly_that_key_even_when_its_hint_is_shared(StoreKind kind)
    {
        using var store = new TestStore(kind);
        var accounts = new AccountDirectory(store.Database, TimeProvider.System);
        var (keyA, _, keyB, _) = await TwoAccountsSharingAHintAsync(accounts, store.Database);

        Assert.True((await accounts.RevokeKeyAsync(keyA)).Revoked);

        Assert.Null(await accounts.AuthenticateAsync(keyA));
        Assert.NotNull(await accounts.AuthenticateAsync(keyB));
        // With one of the two revoked, the hint names one live key again.
        Assert.True((await accounts.RevokeKeyAsync(ApiKey.Mask(keyB))).Revoked);
        Assert.Null(await accounts.AuthenticateAsync(keyB));
    }

    [Theory, SqliteStore, PostgresStore]
    public async Task A_key_given_with_another_account_is_not_revoked(StoreKind kind)
    {
        using var store = new TestStore(kind);
        var accounts = new AccountDirectory(store.Database, TimeProvider.System);
        var (keyA, _, _, accountB) = await TwoAccountsSharingAHintAsync(accounts, store.Database);

        var outcome = await accounts.RevokeKeyAsync(keyA, accountB);

        Assert.False(outcome.Revoked);
        Assert.Empty(outcome.Matches);
        Assert.NotNull(await accounts.AuthenticateAsync(keyA));
    }
}
