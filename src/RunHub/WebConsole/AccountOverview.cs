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
    /// <param name="days">How many days of spending, ending today (UTC).</param>
    public async Task<Overview> ReadAsync(string accountId, int days = 30)
    {
        var today = clock.GetUtcNow().ToUnixTimeMilliseconds() / WalletLedger.MillisPerDay;
        await using var db = await database.OpenAsync();
        var balance = await db.ExecuteScalarAsync<long?>("SELECT balance FROM accounts WHERE id = @accountId", new { accountId }) ?? 0;
        var held = await db.ExecuteScalarAsync<long?>(
            "SELECT CAST(sum(price) AS BIGINT) FROM tasks WHERE account_id = @accountId AND status IN ('QUEUED', 'RUNNING')", new { accountId }) ?? 0;
        var spent = (await db.QueryAsync<(long Day, long Amount)>(
                "SELECT day, amount FROM daily_spending WHERE account_id = @accountId AND day > @from AND day <= @today",
                new { accountId, from = today - days, today }))
            .ToDictionary(r => r.Day, r => r.Amount);
        var spending = Enumerable.Range(0, days).Select(i => today - days + 1 + i)
            .Select(day => new DaySpending(DateOnly.FromDateTime(DateTime.UnixEpoch.AddDays(day)), spent.GetValueOrDefault(day))).ToList();
        var active = (await db.QueryAsync<TaskRecord>(
            $"SELECT {TaskQueue.RecordColumns} FROM tasks WHERE account_id = @accountId AND status IN ('QUEUED', 'RUNNING') ORDER BY id DESC LIMIT 20",
            new { accountId })).ToList();
        return new Overview(balance, held, spending, active);
    }
}

/// <summary>Amounts in thousandths of CNY; <see cref="Spending"/> oldest day first.</summary>
public sealed record Overview(long Balance, long Held, IReadOnlyList<DaySpending> Spending, IReadOnlyList<TaskRecord> Active)
{
    public long SpentLast(int days) => Spending.TakeLast(days).Sum(d => d.Amount);
}

public sealed record DaySpending(DateOnly Day, long Amount);
