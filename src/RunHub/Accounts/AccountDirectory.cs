using System.Data.Common;
using Dapper;
using RunHub.Data;
using RunHub.Tasks;

namespace RunHub.Accounts;

/// <summary>Accounts, their keys and their wallets: what the <c>runhub accounts</c> and <c>keys</c> commands and the API share.</summary>
/// <param name="keys">The server's cache of live keys; the commands, which run once, have none.</param>
/// <param name="usage">Where the server notes when a key was last used; the commands have none.</param>
public sealed class AccountDirectory(Database database, ApiKeyCache? keys = null, KeyUsage? usage = null)
{
    public CreatedAccount Create(string name, Money balance)
    {
        if (string.IsNullOrWhiteSpace(name)) throw new ArgumentException("an account needs a name", nameof(name));
        if (balance.Millis < 0) throw new ArgumentOutOfRangeException(nameof(balance), "a balance cannot be negative");
        using var db = database.Open();
        using var tx = db.BeginTransaction();
        var account = InsertAccount(db, tx, name.Trim(), balance);
        tx.Commit();
        return account;
    }

    /// <summary>
    /// Creates the first account when the database has none, inside one write transaction (under a named lock on
    /// PostgreSQL, whose transactions do not exclude each other) so two nodes starting at once cannot both create
    /// it. Null when accounts already exist.
    /// </summary>
    public CreatedAccount? CreateFirstAccount(string name, Money balance)
    {
        using var db = database.Open();
        using var tx = db.BeginTransaction();
        database.LockName(db, tx, "runhub first account");
        if (db.ExecuteScalar<long>("SELECT count(*) FROM accounts", transaction: tx) > 0) return null;
        var account = InsertAccount(db, tx, name, balance);
        tx.Commit();
        return account;
    }

    public Money TopUp(string accountId, Money amount, string? note = null)
    {
        using var db = database.Open();
        using var tx = db.BeginTransaction();
        WalletLedger.TopUp(db, tx, accountId, amount, note);
        var balance = db.ExecuteScalar<long>("SELECT balance FROM accounts WHERE id = @accountId", new { accountId }, tx);
        tx.Commit();
        return new Money(balance);
    }

    public IReadOnlyList<AccountSummary> List() => Summaries(null);

    public AccountSummary? Find(string accountId) => Summaries(accountId).SingleOrDefault();

    private List<AccountSummary> Summaries(string? accountId)
    {
        using var db = database.Open();
        return db.Query<(string Id, string Name, long Balance, long Held, long CreatedAt)>(
                """
                SELECT a.id, a.name, a.balance, CAST(coalesce((SELECT sum(held) FROM ledger l WHERE l.account_id = a.id), 0) AS BIGINT), a.created_at
                FROM accounts a WHERE @accountId IS NULL OR a.id = @accountId ORDER BY a.created_at, a.id
                """, new { accountId })
            .Select(r => new AccountSummary(r.Id, r.Name, new Money(r.Balance), new Money(r.Held), r.CreatedAt))
            .ToList();
    }

    public string CreateKey(string accountId)
    {
        using var db = database.Open();
        using var tx = db.BeginTransaction();
        if (db.ExecuteScalar<long>("SELECT count(*) FROM accounts WHERE id = @accountId", new { accountId }, tx) == 0)
            throw new KeyNotFoundException($"no account {accountId}");
        var key = InsertKey(db, tx, accountId);
        tx.Commit();
        return key;
    }

    /// <summary>Revokes a key given in full or by its masked hint. False when no live key matches.</summary>
    public bool RevokeKey(string keyOrHint)
    {
        using var db = database.Open();
        var hashes = db.Query<string>(
                "UPDATE api_keys SET revoked_at = @now WHERE (key_hash = @hash OR key_hint = @keyOrHint) AND revoked_at IS NULL RETURNING key_hash",
                new { now = Clock.NowMs(), hash = ApiKey.HasValidShape(keyOrHint) ? ApiKey.Hash(keyOrHint) : null, keyOrHint })
            .ToList();
        foreach (var hash in hashes) keys?.Forget(hash);
        return hashes.Count > 0;
    }

    public IReadOnlyList<KeySummary> ListKeys(string? accountId = null)
    {
        using var db = database.Open();
        return db.Query<(string Hint, string AccountId, long CreatedAt, long? RevokedAt)>(
                "SELECT key_hint, account_id, created_at, revoked_at FROM api_keys WHERE @accountId IS NULL OR account_id = @accountId ORDER BY created_at",
                new { accountId })
            .Select(r => new KeySummary(r.Hint, r.AccountId, r.CreatedAt, r.RevokedAt))
            .ToList();
    }

    /// <summary>The account a live key belongs to, or null for an unknown or revoked key or a disabled account.</summary>
    public string? Authenticate(string? key) => Observability.LogScope.SetAccount(KeyOwner(key));

    private string? KeyOwner(string? key)
    {
        if (!ApiKey.HasValidShape(key)) return null;
        var hash = ApiKey.Hash(key!);
        if (keys is not null && keys.TryGet(hash, out var cached))
        {
            usage?.Touch(hash);
            return cached;
        }
        var accountId = database.ReadFirst<string>(
            "SELECT k.account_id FROM api_keys k JOIN accounts a ON a.id = k.account_id WHERE k.key_hash = @hash AND k.revoked_at IS NULL AND a.disabled_at IS NULL",
            ("hash", hash));
        if (accountId is not null)
        {
            keys?.Remember(hash, accountId);
            usage?.Touch(hash);
        }
        return accountId;
    }

    private static CreatedAccount InsertAccount(DbConnection db, DbTransaction tx, string name, Money balance)
    {
        var id = TaskIdGenerator.Shared.Next();
        db.Execute("INSERT INTO accounts (id, name, balance, created_at) VALUES (@id, @name, 0, @now)",
            new { id, name, now = Clock.NowMs() }, tx);
        if (balance.Millis > 0) WalletLedger.TopUp(db, tx, id, balance, "opening balance");
        var key = InsertKey(db, tx, id);
        return new CreatedAccount(id, name, key, balance);
    }

    private static string InsertKey(DbConnection db, DbTransaction tx, string accountId)
    {
        var key = ApiKey.Generate();
        db.Execute("INSERT INTO api_keys (key_hash, account_id, key_hint, created_at) VALUES (@hash, @accountId, @hint, @now)",
            new { hash = ApiKey.Hash(key), accountId, hint = ApiKey.Mask(key), now = Clock.NowMs() }, tx);
        return key;
    }
}
