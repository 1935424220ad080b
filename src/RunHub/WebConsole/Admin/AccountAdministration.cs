using Dapper;
using RunHub.Accounts;
using RunHub.Data;

namespace RunHub.WebConsole.Admin;

/// <summary>
/// What operators do to accounts — find, top up, adjust, disable, make code batches — each with a required note,
/// recorded in <see cref="OperatorLog"/> in the same transaction, and money moved only through <see cref="WalletLedger"/>.
/// </summary>
public sealed class AccountAdministration(Database database, AccountDirectory accounts, TopUpCodes codes, OperatorLog log, TimeProvider clock)
{
    /// <summary>Accounts whose id or name, or one of whose users' email, contains <paramref name="text"/> (all when empty); 50 at most.</summary>
    public async Task<IReadOnlyList<AccountRow>> SearchAsync(string? text)
    {
        var pattern = "%" + (text ?? "").Trim().ToLowerInvariant().Replace("%", "", StringComparison.Ordinal).Replace("_", "", StringComparison.Ordinal) + "%";
        await using var db = await database.OpenAsync();
        return (await db.QueryAsync<AccountRow>(
            """
            SELECT a.id AS Id, a.name AS Name, a.balance AS Balance, a.disabled_at AS DisabledAt, a.created_at AS CreatedAt,
                   (SELECT min(u.email) FROM users u WHERE u.account_id = a.id) AS Email
            FROM accounts a
            WHERE lower(a.name) LIKE @pattern OR a.id LIKE @pattern
               OR EXISTS (SELECT 1 FROM users u WHERE u.account_id = a.id AND u.email LIKE @pattern)
            ORDER BY a.created_at DESC LIMIT 50
            """, new { pattern })).ToList();
    }

    public async Task<AccountRow?> FindAsync(string accountId)
    {
        await using var db = await database.OpenAsync();
        return await db.QuerySingleOrDefaultAsync<AccountRow>(
            """
            SELECT a.id AS Id, a.name AS Name, a.balance AS Balance, a.disabled_at AS DisabledAt, a.created_at AS CreatedAt,
                   (SELECT min(u.email) FROM users u WHERE u.account_id = a.id) AS Email
            FROM accounts a WHERE a.id = @accountId
            """, new { accountId });
    }

    /// <summary>Adds money (a ledger top-up). Null when done, else the problem.</summary>
    public async Task<string?> TopUpAsync(Operator actor, string accountId, Money amount, string note)
    {
        if (Missing(note) is { } problem) return problem;
        if (amount.Millis <= 0) return "Amount: a top-up must be more than 0.";
        await using var db = await database.OpenAsync();
        await using var tx = await db.BeginTransactionAsync();
        try
        {
            await WalletLedger.TopUpAsync(db, tx, accountId, amount, $"top-up by {actor.Email}: {note.Trim()}", clock.NowMs());
        }
        catch (BalanceLimitException e)
        {
            return $"Amount: {e.Message}.";
        }
        await log.RecordAsync(db, tx, actor, "topup", accountId, $"{amount} CNY: {note.Trim()}");
        await tx.CommitAsync();
        return null;
    }

    /// <summary>Corrects a balance up or down (never below zero). Null when done, else the problem.</summary>
    public async Task<string?> AdjustAsync(Operator actor, string accountId, Money amount, string note)
    {
        if (Missing(note) is { } problem) return problem;
        if (amount.Millis == 0) return "Amount: an adjustment cannot be 0.";
        await using var db = await database.OpenAsync();
        await using var tx = await db.BeginTransactionAsync();
        try
        {
            if (!await WalletLedger.TryAdjustAsync(db, tx, accountId, amount, $"adjusted by {actor.Email}: {note.Trim()}", clock.NowMs()))
                return "Amount: that would take the balance below zero.";
        }
        catch (BalanceLimitException e)
        {
            return $"Amount: {e.Message}.";
        }
        await log.RecordAsync(db, tx, actor, "adjust", accountId, $"{amount} CNY: {note.Trim()}");
        await tx.CommitAsync();
        return null;
    }

    /// <summary>
    /// Disables an account (its keys stop working, its users' sessions end, its queued tasks still run) or enables it
    /// again. Null when done, else the problem.
    /// </summary>
    public async Task<string?> SetDisabledAsync(Operator actor, string accountId, bool disabled, string note)
    {
        if (Missing(note) is { } problem) return problem;
        await using var db = await database.OpenAsync();
        await using var tx = await db.BeginTransactionAsync();
        var rows = await db.ExecuteAsync("UPDATE accounts SET disabled_at = @at WHERE id = @accountId",
            new { at = disabled ? clock.GetUtcNow().ToUnixTimeMilliseconds() : (long?)null, accountId }, tx);
        if (rows == 0) return "No such account.";
        var hashes = (await db.QueryAsync<string>("SELECT key_hash FROM api_keys WHERE account_id = @accountId", new { accountId }, tx)).ToList();
        await log.RecordAsync(db, tx, actor, disabled ? "disable" : "enable", accountId, note.Trim());
        await tx.CommitAsync();
        accounts.ForgetKeys(hashes);
        return null;
    }

    /// <summary>Creates a batch of top-up codes; returns them in plain (the only time they exist so), or the problem.</summary>
    public async Task<(string? BatchId, IReadOnlyList<string> Codes, string? Problem)> CreateCodesAsync(Operator actor, Money amount, int count,
        long? expiresAt, string note)
    {
        if (Missing(note) is { } problem) return (null, [], problem);
        if (amount.Millis <= 0) return (null, [], "Amount: each code must be worth more than 0.");
        if (count is < 1 or > TopUpCodes.MaxBatch) return (null, [], $"Count: make 1 to {TopUpCodes.MaxBatch} codes at a time.");
        if (expiresAt <= clock.GetUtcNow().ToUnixTimeMilliseconds()) return (null, [], "Expires: choose a time in the future, or none.");
        await using var db = await database.OpenAsync();
        await using var tx = await db.BeginTransactionAsync();
        var (batchId, plain) = await codes.CreateBatchAsync(db, tx, amount, count, expiresAt, actor.UserId);
        await log.RecordAsync(db, tx, actor, "codes", batchId, $"{count} × {amount} CNY: {note.Trim()}");
        await tx.CommitAsync();
        return (batchId, plain, null);
    }

    private static string? Missing(string? note) =>
        string.IsNullOrWhiteSpace(note) ? "Note: say why (it is recorded with your name)." : note.Length > 500 ? "Note: at most 500 characters." : null;
}

/// <summary>An account as the admin pages list it (balance in thousandths of CNY, times in Unix ms, the first user's email).</summary>
/// <remarks>Properties, not a positional record: the email of an account without users is a NULL Dapper cannot type.</remarks>
public sealed record AccountRow
{
    public required string Id { get; init; }
    public required string Name { get; init; }
    public long Balance { get; init; }
    public long? DisabledAt { get; init; }
    public long CreatedAt { get; init; }
    public string? Email { get; init; }
}
