using Dapper;
using Microsoft.Extensions.Options;
using RunHub.Data;

namespace RunHub.Accounts;

/// <summary>An account's own API keys as the console manages them: named, listed with their last use, revoked.</summary>
public sealed class AccountKeys(Database database, AccountDirectory accounts, KeyUsage usage, IOptions<RunHubOptions> options, TimeProvider clock)
{
    /// <summary>The account's keys, newest first. Uses noted on this node are written first, so "last used" is current.</summary>
    public async Task<IReadOnlyList<AccountKey>> ListAsync(string accountId)
    {
        await usage.FlushAsync();
        await using var db = await database.OpenAsync();
        return (await db.QueryAsync<AccountKey>(
            """
            SELECT key_hash AS KeyHash, key_hint AS Hint, name AS Name, created_at AS CreatedAt, last_used_at AS LastUsedAt, revoked_at AS RevokedAt,
                   requests_per_minute AS RequestsPerMinute, spend_cap AS SpendCap, spent AS Spent, expires_at AS ExpiresAt, allowed_models AS AllowedModels
            FROM api_keys WHERE account_id = @accountId ORDER BY created_at DESC
            """, new { accountId })).ToList();
    }

    /// <summary>
    /// Creates a key and answers it in plain, the only time it is ever shown; or, creating nothing, why not: the account
    /// has as many live (unrevoked) keys as it may (<see cref="Limits.LimitsOptions.MaxKeysPerAccount"/>), since each key
    /// has its own request rate and would multiply it. The count and the insert are one transaction under a lock on the
    /// account, so creations at once on any node cannot pass the limit together.
    /// </summary>
    /// <param name="name">What the user calls it (at most 60 characters), or null.</param>
    public async Task<KeyCreation> CreateAsync(string accountId, string? name)
    {
        name = string.IsNullOrWhiteSpace(name) ? null : name.Trim()[..Math.Min(name.Trim().Length, 60)];
        await using var db = await database.OpenAsync();
        await using var tx = await db.BeginTransactionAsync();
        var max = options.Value.Limits.MaxKeysPerAccount;
        if (max > 0)
        {
            await database.LockNameAsync(db, tx, "keys:" + accountId);
            var live = await db.ExecuteScalarAsync<long>("SELECT count(*) FROM api_keys WHERE account_id = @accountId AND revoked_at IS NULL", new { accountId }, tx);
            if (live >= max)
                return new KeyCreation(null, $"This account has {live} API keys, as many as it may have ({max}); revoke one it no longer uses first.");
        }
        var key = await AccountDirectory.InsertKeyAsync(db, tx, accountId, clock.NowMs(), name);
        await tx.CommitAsync();
        return new KeyCreation(key, null);
    }

    /// <summary>Revokes one of the account's keys; false when it is not a live key of this account.</summary>
    public async Task<bool> RevokeAsync(string accountId, string keyHash)
    {
        await using var db = await database.OpenAsync();
        var revoked = await db.ExecuteAsync(
            "UPDATE api_keys SET revoked_at = @nowMs WHERE key_hash = @keyHash AND account_id = @accountId AND revoked_at IS NULL",
            new { keyHash, accountId, nowMs = clock.NowMs() }) == 1;
        if (revoked) accounts.ForgetKeys([keyHash]);
        return revoked;
    }
}

/// <summary>What <see cref="AccountKeys.CreateAsync"/> did: the new key in plain, or (with it null) why none was created.</summary>
public sealed record KeyCreation(string? Key, string? Problem);

/// <summary>A key as listed: never the key itself, only its hash (to name it in a form) and its masked hint. Times in Unix ms.</summary>
/// <param name="SpendCap">The key's spend cap in thousandths of CNY, or null; <paramref name="Spent"/> is what its tasks have cost against it.</param>
/// <param name="AllowedModels">The models the key may submit to, as stored (a JSON array), or null for all.</param>
public sealed record AccountKey(string KeyHash, string Hint, string? Name, long CreatedAt, long? LastUsedAt, long? RevokedAt,
    long? RequestsPerMinute, long? SpendCap, long Spent, long? ExpiresAt, string? AllowedModels)
{
    /// <summary>The key's own options (<c>runhub keys limits</c>), <see cref="KeyPolicy.None"/> when it has none.</summary>
    public KeyPolicy Policy => KeyPolicies.Policy(RequestsPerMinute, SpendCap, ExpiresAt, AllowedModels);
}
