using Dapper;
using RunHub.Data;

namespace RunHub.Accounts;

/// <summary>An account's ledger, line by line, newest first, cursor paged by line id (index <c>ledger_account</c>).</summary>
public sealed class LedgerListing(Database database)
{
    public const int PageSize = 50;

    /// <param name="before">The <see cref="LedgerPage.NextCursor"/> of the page before, or null for the newest lines.</param>
    public async Task<LedgerPage> ListAsync(string accountId, long? before, int limit = PageSize)
    {
        await using var db = await database.OpenAsync();
        var lines = (await db.QueryAsync<LedgerLine>(
            """
            SELECT id AS Id, task_id AS TaskId, kind AS Kind, amount AS Amount, held AS Held, note AS Note, created_at AS CreatedAt
            FROM ledger WHERE account_id = @accountId AND (@before IS NULL OR id < @before) ORDER BY id DESC LIMIT @take
            """, new { accountId, before, take = limit + 1 })).ToList();
        var more = lines.Count > limit;
        if (more) lines.RemoveAt(lines.Count - 1);
        return new LedgerPage(lines, more ? lines[^1].Id : null);
    }
}

/// <summary>
/// One movement: <c>topup</c>, <c>adjust</c>, <c>reserve</c>, <c>settle</c> or <c>release</c>. <see cref="Amount"/>
/// moves the spendable balance, <see cref="Held"/> the amount reserved for unfinished tasks (thousandths of CNY).
/// </summary>
public sealed record LedgerLine(long Id, string? TaskId, string Kind, long Amount, long Held, string? Note, long CreatedAt);

public sealed record LedgerPage(IReadOnlyList<LedgerLine> Lines, long? NextCursor);
