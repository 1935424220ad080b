using System.Data.Common;
using System.Security.Cryptography;
using System.Text;
using Dapper;
using RunHub.Data;

namespace RunHub.Accounts;

/// <summary>
/// Prepaid top-up codes (<c>RH-XXXXX-XXXXX-XXXXX-XXXXX</c>, 100 random bits in Crockford base32). Only a SHA-256
/// hash and a hint of the last characters are stored, so the codes exist in plain only in the answer to the batch
/// that made them. A code is redeemed once, before its expiry, and its money moves through the ledger as a top-up in
/// the same transaction that marks it used.
/// </summary>
public sealed class TopUpCodes(Database database, TimeProvider clock)
{
    private const string Alphabet = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
    public const int MaxBatch = 1000;

    /// <summary>Creates <paramref name="count"/> codes of <paramref name="amount"/> each; returns the batch id and the plain codes.</summary>
    /// <param name="expiresAt">Unix ms after which the codes are refused; null for never.</param>
    /// <param name="createdBy">The operator's user id.</param>
    /// <exception cref="ArgumentOutOfRangeException">Count outside 1–<see cref="MaxBatch"/>, or an amount that is not positive.</exception>
    public async Task<(string BatchId, IReadOnlyList<string> Codes)> CreateBatchAsync(DbConnection db, DbTransaction tx, Money amount, int count,
        long? expiresAt, string createdBy)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(count, MaxBatch);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(amount.Millis, 0);
        var batchId = Tasks.TaskIdGenerator.Shared.Next();
        var now = clock.GetUtcNow().ToUnixTimeMilliseconds();
        var codes = Enumerable.Range(0, count).Select(_ => NewCode()).ToList();
        var rows = codes.Select(c => new { hash = Hash(c), batchId, hint = Hint(c), amount = amount.Millis, expiresAt, createdBy, now });
        await db.ExecuteAsync(
            """
            INSERT INTO topup_codes (code_hash, batch_id, code_hint, amount, expires_at, created_by, created_at)
            VALUES (@hash, @batchId, @hint, @amount, @expiresAt, @createdBy, @now)
            """, rows, tx);
        return (batchId, codes);
    }

    /// <summary>
    /// Redeems a code into the account's wallet. Returns the amount added, or null with why not in <paramref name="problem"/>
    /// (unknown, already used, expired) — each said plainly, since only the holder of a real code learns anything from it.
    /// </summary>
    public async Task<(Money? Amount, string? Problem)> RedeemAsync(string accountId, string code)
    {
        await using var db = await database.OpenAsync();
        await using var tx = await db.BeginTransactionAsync();
        var result = await RedeemAsync(db, tx, accountId, code);
        if (result.Amount is not null) await tx.CommitAsync();
        return result;
    }

    /// <summary><see cref="RedeemAsync(string, string)"/> inside the caller's transaction (sign-up with an invitation).</summary>
    public async Task<(Money? Amount, string? Problem)> RedeemAsync(DbConnection db, DbTransaction tx, string accountId, string code)
    {
        var normalized = Normalize(code);
        if (normalized is null) return (null, "That is not a top-up code (they look like RH-XXXXX-XXXXX-XXXXX-XXXXX).");
        var now = clock.GetUtcNow().ToUnixTimeMilliseconds();
        var hash = Hash(normalized);
        var redeemed = await db.QuerySingleOrDefaultAsync<RedeemedRow>(
            """
            UPDATE topup_codes SET redeemed_at = @now, redeemed_by = @accountId
            WHERE code_hash = @hash AND redeemed_at IS NULL AND (expires_at IS NULL OR expires_at > @now)
            RETURNING amount AS Amount, code_hint AS Hint
            """, new { now, accountId, hash }, tx);
        if (redeemed is { } r)
        {
            try
            {
                await WalletLedger.TopUpAsync(db, tx, accountId, new Money(r.Amount), $"top-up code {r.Hint}", now);
            }
            catch (BalanceLimitException)
            {
                // The caller does not commit a redemption that answers a problem: the code stays unused.
                return (null, $"This code would take the wallet past the largest balance a wallet holds ({Money.Max} CNY); it stays unused.");
            }
            return (new Money(r.Amount), null);
        }
        var state = await db.QuerySingleOrDefaultAsync<CodeUse>(
            "SELECT redeemed_at AS RedeemedAt, expires_at AS ExpiresAt FROM topup_codes WHERE code_hash = @hash", new { hash }, tx);
        return (null, state switch
        {
            null => "No such top-up code; check it for typos.",
            { RedeemedAt: not null } => "This top-up code has already been used.",
            _ => "This top-up code has expired.",
        });
    }

    /// <summary>The batches, newest first, with how many of their codes were redeemed.</summary>
    public async Task<IReadOnlyList<CodeBatch>> ListBatchesAsync()
    {
        await using var db = await database.OpenAsync();
        return (await db.QueryAsync<CodeBatch>(
            """
            SELECT batch_id AS BatchId, min(amount) AS Amount, count(*) AS Count, count(redeemed_at) AS Redeemed,
                   min(expires_at) AS ExpiresAt, min(created_at) AS CreatedAt, min(created_by) AS CreatedBy
            FROM topup_codes GROUP BY batch_id ORDER BY batch_id DESC LIMIT 200
            """)).ToList();
    }

    /// <summary>The codes of a batch (hints only) and their state, for the batch page and its CSV export.</summary>
    public async Task<IReadOnlyList<CodeState>> ListCodesAsync(string batchId)
    {
        await using var db = await database.OpenAsync();
        return (await db.QueryAsync<CodeState>(
            """
            SELECT code_hint AS Hint, amount AS Amount, expires_at AS ExpiresAt, created_at AS CreatedAt,
                   redeemed_at AS RedeemedAt, redeemed_by AS RedeemedBy
            FROM topup_codes WHERE batch_id = @batchId ORDER BY code_hint
            """, new { batchId })).ToList();
    }

    private sealed record RedeemedRow(long Amount, string Hint);

    private sealed record CodeUse(long? RedeemedAt, long? ExpiresAt);

    private static string NewCode()
    {
        var bytes = RandomNumberGenerator.GetBytes(20);
        var text = new StringBuilder("RH");
        for (var i = 0; i < 20; i++)
        {
            if (i % 5 == 0) text.Append('-');
            text.Append(Alphabet[bytes[i] & 31]);
        }
        return text.ToString();
    }

    /// <summary>Upper case, without spaces or dashes, Crockford's look-alikes mapped (O→0, I/L→1); null when it cannot be a code.</summary>
    private static string? Normalize(string? code)
    {
        var text = new StringBuilder();
        foreach (var c in (code ?? "").ToUpperInvariant())
        {
            if (c is '-' or ' ') continue;
            var mapped = c switch { 'O' => '0', 'I' or 'L' => '1', _ => c };
            text.Append(mapped);
        }
        var s = text.ToString();
        if (s.StartsWith("RH", StringComparison.Ordinal)) s = s[2..];
        return s.Length == 20 && s.All(Alphabet.Contains) ? "RH" + s : null;
    }

    private static string Hash(string code) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.ASCII.GetBytes(Normalize(code)!)));

    private static string Hint(string code) => "RH-…" + code[^4..];
}

/// <summary>A batch of codes: amount each (thousandths of CNY), how many, how many redeemed, times in Unix ms.</summary>
/// <remarks>Properties, not a positional record: an aggregate of NULLs has no column type for Dapper to match a constructor with.</remarks>
public sealed record CodeBatch
{
    public required string BatchId { get; init; }
    public long Amount { get; init; }
    public long Count { get; init; }
    public long Redeemed { get; init; }
    public long? ExpiresAt { get; init; }
    public long CreatedAt { get; init; }
    public required string CreatedBy { get; init; }
}

/// <summary>One code of a batch: its hint (never the code), amount, and when and by which account it was redeemed.</summary>
public sealed record CodeState(string Hint, long Amount, long? ExpiresAt, long CreatedAt, long? RedeemedAt, string? RedeemedBy);
