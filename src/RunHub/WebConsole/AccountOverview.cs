using Dapper;
using RunHub.Accounts;
using RunHub.Data;
using RunHub.Tasks;

namespace RunHub.WebConsole;

/// <summary>
/// What the dashboard shows of an account: balance, amount held for unfinished tasks, spending per day, and its
/// running and queued tasks. Each is an index read whatever the number of tasks (<c>daily_spending</c>,
/// <c>tasks_account</c>), never a scan of the ledger or the task history.
/// </summary>
public sealed class AccountOverview(Database database, TimeProvider clock)
{
    private const int MaxActive = 20;

    /// <param name="days">How many days of spending, ending today (UTC).</param>
    public async Task<Overview> ReadAsync(string accountId, int days = 30)
    {
        var today = clock.GetUtcNow().ToUnixTimeMilliseconds() / WalletLedger.MillisPerDay;
        await using var db = await database.OpenAsync();
        var balance = await db.ExecuteScalarAsync<long?>("SELECT balance FROM accounts WHERE id = @accountId", new { accountId }) ?? 0;
        // One status at a time: with "status IN (...)" SQLite's planner may read the account's whole history (the
        // table, for the ORDER BY), where "status = ?" is a range of tasks_account. Each read
        // is one statement, so a task moving from queued to running between the two statuses is seen once.
        var (held, activeCount) = await db.QuerySingleAsync<(long, long)>(
            """
            SELECT COALESCE((SELECT CAST(sum(price) AS BIGINT) FROM tasks WHERE account_id = @accountId AND status = 'QUEUED'), 0)
                 + COALESCE((SELECT CAST(sum(price) AS BIGINT) FROM tasks WHERE account_id = @accountId AND status = 'RUNNING'), 0) AS held,
                   (SELECT count(*) FROM tasks WHERE account_id = @accountId AND status = 'QUEUED')
                 + (SELECT count(*) FROM tasks WHERE account_id = @accountId AND status = 'RUNNING') AS active
            """, new { accountId });
        var active = (await db.QueryAsync<TaskRecord>(
            $"""
            SELECT * FROM (SELECT {TaskQueue.RecordColumns} FROM tasks WHERE account_id = @accountId AND status = 'QUEUED' ORDER BY id DESC LIMIT {MaxActive}) AS queued
            UNION ALL
            SELECT * FROM (SELECT {TaskQueue.RecordColumns} FROM tasks WHERE account_id = @accountId AND status = 'RUNNING' ORDER BY id DESC LIMIT {MaxActive}) AS running
            """, new { accountId })).ToList();
        var spent = (await db.QueryAsync<(long Day, long Amount)>(
                "SELECT day, amount FROM daily_spending WHERE account_id = @accountId AND day > @from AND day <= @today",
                new { accountId, from = today - days, today }))
            .ToDictionary(r => r.Day, r => r.Amount);
        var spending = Enumerable.Range(0, days).Select(i => today - days + 1 + i)
            .Select(day => new DaySpending(DateOnly.FromDateTime(DateTime.UnixEpoch.AddDays(day)), spent.GetValueOrDefault(day))).ToList();
        // Ids are time-ordered digit strings of one length: ordinal order is the database's id order.
        active.Sort((a, b) => string.CompareOrdinal(b.Id, a.Id));
        return new Overview(balance, held, spending, active.Take(MaxActive).ToList(), activeCount);
    }
}

/// <summary>
/// Amounts in thousandths of CNY; <see cref="Spending"/> oldest day first; <see cref="Active"/> the newest running and
/// queued tasks (at most 20), <see cref="ActiveCount"/> how many there are in all.
/// </summary>
public sealed record Overview(long Balance, long Held, IReadOnlyList<DaySpending> Spending, IReadOnlyList<TaskRecord> Active, long ActiveCount)
{
    public long SpentLast(int days) => Spending.TakeLast(days).Sum(d => d.Amount);
}

public sealed record DaySpending(DateOnly Day, long Amount);
