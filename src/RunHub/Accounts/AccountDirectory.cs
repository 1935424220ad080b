using System.Data.Common;
using Dapper;
using RunHub.Data;
using RunHub.Tasks;

namespace RunHub.Accounts;

/// <summary>Accounts, their keys and their wallets: what the <c>runhub accounts</c> and <c>keys</c> commands and the API share.</summary>
/// <param name="clock">The one clock: creation and revocation times (Unix ms).</param>
/// <param name="keys">The server's cache of live keys; the commands, which run once, have none.</param>
/// <param name="usage">Where the server notes when a key was last used; the commands have none.</param>
public sealed class AccountDirectory(Database database, TimeProvider clock, ApiKeyCache? keys = null, KeyUsage? usage = null)
{
    /// <exception cref="ArgumentException">The name is empty.</exception>
    /// <exception cref="ArgumentOutOfRangeException">The balance is negative.</exception>
    public async Task<CreatedAccount> CreateAsync(string name, Money balance)
    {
        if (string.IsNullOrWhiteSpace(name)) throw new ArgumentException("an account needs a name", nameof(name));
        if (balance.Millis < 0) throw new ArgumentOutOfRangeException(nameof(balance), "a balance cannot be negative");
        return await database.InTransactionAsync((db, tx) => InsertAccountAsync(db, tx, name.Trim(), balance, clock.NowMs()));
    }

    /// <summary>
    /// Creates the first account when the database has none, inside one write transaction (under a named lock on
    /// PostgreSQL, whose transactions do not exclude each other) so two nodes starting at once cannot both create
    /// it. Null when accounts already exist.
    /// </summary>
    public Task<CreatedAccount?> CreateFirstAccountAsync(string name, Money balance) =>
        database.InTransactionAsync<CreatedAccount?>(async (db, tx) =>
        {
            await database.LockNameAsync(db, tx, "runhub first account");
            if (await db.ExecuteScalarAsync<long>("SELECT count(*) FROM accounts", transaction: tx) > 0) return null;
            return await InsertAccountAsync(db, tx, name, balance, clock.NowMs());
        });

    /// <summary>Adds <paramref name="amount"/> to the wallet through the ledger; the new balance.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The amount is not positive.</exception>
    /// <exception cref="KeyNotFoundException">There is no such account.</exception>
    public Task<Money> TopUpAsync(string accountId, Money amount, string? note = null) =>
        database.InTransactionAsync(async (db, tx) =>
        {
            await WalletLedger.TopUpAsync(db, tx, accountId, amount, note, clock.NowMs());
            return new Money(await db.ExecuteScalarAsync<long>("SELECT balance FROM accounts WHERE id = @accountId", new { accountId }, tx));
        });

    public Task<IReadOnlyList<AccountSummary>> ListAsync() => SummariesAsync(null);

    public async Task<AccountSummary?> FindAsync(string accountId) => (await SummariesAsync(accountId)).SingleOrDefault();

    private async Task<IReadOnlyList<AccountSummary>> SummariesAsync(string? accountId)
    {
        await using var db = await database.OpenAsync();
        var rows = await db.QueryAsync<(string Id, string Name, long Balance, long Held, long CreatedAt)>(
            """
            SELECT a.id, a.name, a.balance, CAST(coalesce((SELECT sum(held) FROM ledger l WHERE l.account_id = a.id), 0) AS BIGINT), a.created_at
            FROM accounts a WHERE @accountId IS NULL OR a.id = @accountId ORDER BY a.created_at, a.id
            """, new { accountId });
        return rows.Select(r => new AccountSummary(r.Id, r.Name, new Money(r.Balance), new Money(r.Held), r.CreatedAt)).ToList();
    }

    /// <summary>A new live key for the account, returned in full (only now; the database keeps its hash).</summary>
    /// <exception cref="KeyNotFoundException">There is no such account.</exception>
    public Task<string> CreateKeyAsync(string accountId) =>
        database.InTransactionAsync(async (db, tx) =>
        {
            if (await db.ExecuteScalarAsync<long>("SELECT count(*) FROM accounts WHERE id = @accountId", new { accountId }, tx) == 0)
                throw new KeyNotFoundException($"no account {accountId}");
            return await InsertKeyAsync(db, tx, accountId, clock.NowMs());
        });

    /// <summary>
    /// Revokes one live key, given in full or by its masked hint (as <c>keys list</c> shows it, or with fewer <c>*</c>),
    /// optionally only within <paramref name="accountId"/>. A hint is not a key: when it matches more than one live key
    /// (of any accounts, or of the one given), nothing is revoked and the matches are returned so the caller can name
    /// the account or give the full key. Never revokes more than one key.
    /// </summary>
    public async Task<KeyRevocation> RevokeKeyAsync(string keyOrHint, string? accountId = null)
    {
        var hash = ApiKey.HasValidShape(keyOrHint) ? ApiKey.Hash(keyOrHint) : null;
        var hint = hash is null ? ApiKey.NormalizeHint(keyOrHint) : null;
        if (hash is null && hint is null) return new KeyRevocation(false, []);
        var outcome = await database.InTransactionAsync(async (db, tx) =>
        {
            var matches = (await db.QueryAsync<(string Hash, string Hint, string AccountId, long CreatedAt)>(
                    """
                    SELECT key_hash, key_hint, account_id, created_at FROM api_keys
                    WHERE (key_hash = @hash OR key_hint = @hint) AND revoked_at IS NULL
                      AND (@accountId IS NULL OR account_id = @accountId)
                    ORDER BY created_at
                    """, new { hash, hint, accountId }, tx))
                .ToList();
            if (matches.Count != 1) return (Hash: (string?)null, Matches: matches);
            var revoked = await db.ExecuteAsync("UPDATE api_keys SET revoked_at = @now WHERE key_hash = @hash AND revoked_at IS NULL",
                new { now = clock.NowMs(), hash = matches[0].Hash }, tx);
            return (Hash: revoked == 1 ? matches[0].Hash : null, Matches: revoked == 1 ? matches : []);
        });
        if (outcome.Hash is { } revokedHash) keys?.Forget(revokedHash);
        return new KeyRevocation(outcome.Hash is not null,
            outcome.Matches.Select(m => new KeySummary(m.Hint, m.AccountId, m.CreatedAt, null)).ToList());
    }

    public async Task<IReadOnlyList<KeySummary>> ListKeysAsync(string? accountId = null)
    {
        await using var db = await database.OpenAsync();
        var rows = await db.QueryAsync<(string Hint, string AccountId, long CreatedAt, long? RevokedAt)>(
            "SELECT key_hint, account_id, created_at, revoked_at FROM api_keys WHERE @accountId IS NULL OR account_id = @accountId ORDER BY created_at",
            new { accountId });
        return rows.Select(r => new KeySummary(r.Hint, r.AccountId, r.CreatedAt, r.RevokedAt)).ToList();
    }

    /// <summary>
    /// An account's keys, live and revoked, oldest first, with their names and when they were last used (as far as
    /// <see cref="KeyUsage"/> has written it: within about a minute). Keys themselves are never stored, only hints.
    /// </summary>
    public async Task<IReadOnlyList<KeyDetails>> KeysOfAsync(string accountId, CancellationToken cancellationToken)
    {
        await using var db = database.Open();
        var rows = await db.QueryAsync<KeyDetails>(new CommandDefinition(
            "SELECT key_hint AS Hint, name AS Name, created_at AS CreatedAt, revoked_at AS RevokedAt, last_used_at AS LastUsedAt, " +
            "spend_cap AS SpendCap, spent AS Spent, expires_at AS ExpiresAt " +
            "FROM api_keys WHERE account_id = @accountId ORDER BY created_at, key_hint",
            new { accountId }, cancellationToken: cancellationToken));
        return rows.ToList();
    }

    /// <summary>
    /// The account a live key belongs to, or null for an unknown, revoked or expired key or a disabled account. Not for
    /// an API call's key: that goes through <see cref="Api.RequestKeys"/>, which counts its request rate.
    /// </summary>
    public async ValueTask<string?> AuthenticateAsync(string? key) => (await AuthenticateKeyAsync(key))?.AccountId;

    /// <summary>
    /// A live key's account, hash and own options (<see cref="KeyPolicy"/>: what <c>runhub keys limits</c> set), or null
    /// for an unknown, revoked or expired key or a disabled account. Read through <see cref="ApiKeyCache"/>; the expiry is
    /// checked against the clock on every call. An API call checks its key through <see cref="Api.RequestKeys"/>
    /// instead, which also counts the key's request rate.
    /// </summary>
    public async ValueTask<KeyAccess?> AuthenticateKeyAsync(string? key)
    {
        var access = await KeyAccessAsync(key);
        Observability.LogScope.SetAccount(access?.AccountId);
        return access;
    }

    private async ValueTask<KeyAccess?> KeyAccessAsync(string? key)
    {
        if (!ApiKey.HasValidShape(key)) return null;
        if (Remembered(key!) is not { } access)
        {
            var hash = ApiKey.Hash(key!);
            var row = await database.ReadFirstAsync<KeyRow>(
                $"SELECT k.account_id AS AccountId, {KeyPolicies.PolicyColumns} FROM api_keys k JOIN accounts a ON a.id = k.account_id " +
                "WHERE k.key_hash = @hash AND k.revoked_at IS NULL AND a.disabled_at IS NULL",
                ("hash", hash));
            if (row is null) return null;
            access = new KeyAccess(row.AccountId, hash, KeyPolicies.Policy(row.RequestsPerMinute, row.SpendCap, row.ExpiresAt, row.AllowedModels));
            keys?.Remember(hash, access);
        }
        if (access.Policy.HasExpired(clock.NowMs())) return null;
        usage?.Touch(access.KeyHash);
        return access;
    }

    /// <summary>The cache's entry for <paramref name="key"/>, looked up by a hash that is never made a string.</summary>
    private KeyAccess? Remembered(string key)
    {
        if (keys is null) return null;
        Span<char> hash = stackalloc char[ApiKey.HashLength];
        ApiKey.Hash(key, hash);
        return keys.TryGet(hash, out var access) ? access : null;
    }

    private sealed class KeyRow
    {
        public string AccountId { get; init; } = "";
        public long? RequestsPerMinute { get; init; }
        public long? SpendCap { get; init; }
        public long? ExpiresAt { get; init; }
        public string? AllowedModels { get; init; }
    }

    /// <summary>Inserts an account with its opening balance (a ledger top-up) and, unless <paramref name="withKey"/> is false, one key.</summary>
    /// <param name="now">Creation time, Unix ms.</param>
    internal static async Task<CreatedAccount> InsertAccountAsync(DbConnection db, DbTransaction tx, string name, Money balance, long now, bool withKey = true)
    {
        var id = TaskIdGenerator.Shared.Next();
        await db.ExecuteAsync("INSERT INTO accounts (id, name, balance, created_at) VALUES (@id, @name, 0, @now)", new { id, name, now }, tx);
        if (balance.Millis > 0) await WalletLedger.TopUpAsync(db, tx, id, balance, "opening balance", now);
        var key = withKey ? await InsertKeyAsync(db, tx, id, now) : "";
        return new CreatedAccount(id, name, key, balance);
    }

    /// <summary>Inserts a new key of the account, optionally named; returns the plain key (shown once, never stored).</summary>
    /// <param name="now">Creation time, Unix ms.</param>
    internal static async Task<string> InsertKeyAsync(DbConnection db, DbTransaction tx, string accountId, long now, string? name = null)
    {
        var key = ApiKey.Generate();
        await db.ExecuteAsync("INSERT INTO api_keys (key_hash, account_id, key_hint, created_at, name) VALUES (@hash, @accountId, @hint, @now, @name)",
            new { hash = ApiKey.Hash(key), accountId, hint = ApiKey.Mask(key), now, name }, tx);
        return key;
    }

    /// <summary>Stops the keys with these hashes working at once in this process (other nodes: within the cache's lifetime).</summary>
    public void ForgetKeys(IEnumerable<string> keyHashes)
    {
        foreach (var hash in keyHashes) keys?.Forget(hash);
    }
}
