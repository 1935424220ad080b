using Dapper;
using System.Data.Common;
using RunHub.Data;

namespace RunHub.Accounts;

/// <summary>
/// Moves money, always inside the caller's transaction together with the state change it pays for.
/// The wallet balance column is kept in step with the ledger rows in the same statement batch, and its
/// CHECK (balance >= 0) plus the guarded UPDATE make an overdraft impossible even under concurrent submits: on
/// PostgreSQL at READ COMMITTED a second debit of the same wallet waits for the first one's row lock and then
/// re-checks <c>balance >= @price</c> against the committed balance, on any node.
/// </summary>
public static class WalletLedger
{
    public static void TopUp(DbConnection db, DbTransaction tx, string accountId, Money amount, string? note)
    {
        if (amount.Millis <= 0) throw new ArgumentOutOfRangeException(nameof(amount), "a top-up must be positive");
        var rows = db.Execute("UPDATE accounts SET balance = balance + @amount WHERE id = @accountId",
            new { amount = amount.Millis, accountId }, tx);
        if (rows == 0) throw new KeyNotFoundException($"no account {accountId}");
        Insert(db, tx, accountId, null, "topup", amount.Millis, 0, note);
    }

    /// <summary>Holds the price of a task. False when the wallet cannot cover it (nothing is written then).</summary>
    public static bool TryReserve(DbConnection db, DbTransaction tx, string accountId, string taskId, Money price)
    {
        var rows = db.Execute("UPDATE accounts SET balance = balance - @price WHERE id = @accountId AND balance >= @price",
            new { price = price.Millis, accountId }, tx);
        if (rows == 0) return false;
        Insert(db, tx, accountId, taskId, "reserve", -price.Millis, price.Millis, null);
        return true;
    }

    /// <summary>
    /// Turns the hold of a finished task into a charge, and adds it to the account's spending of the day (UTC) that
    /// the console's chart reads. Idempotent per task.
    /// </summary>
    public static void Settle(DbConnection db, DbTransaction tx, string accountId, string taskId, Money price)
    {
        if (Insert(db, tx, accountId, taskId, "settle", 0, -price.Millis, null, onceOnly: true) && price.Millis > 0)
            db.Execute(
                """
                INSERT INTO daily_spending (account_id, day, amount) VALUES (@accountId, @day, @amount)
                ON CONFLICT (account_id, day) DO UPDATE SET amount = daily_spending.amount + excluded.amount
                """, new { accountId, day = Clock.NowMs() / MillisPerDay, amount = price.Millis }, tx);
    }

    /// <summary>Milliseconds in a day: the unit of <c>daily_spending.day</c> (days since 1970-01-01, UTC).</summary>
    public const long MillisPerDay = 86_400_000;

    /// <summary>
    /// An operator's correction of a wallet, up or down, with the reason in the line's note. False (nothing written)
    /// when a deduction would take the balance below zero.
    /// </summary>
    /// <exception cref="KeyNotFoundException">No such account.</exception>
    public static bool TryAdjust(DbConnection db, DbTransaction tx, string accountId, Money amount, string note)
    {
        if (amount.Millis == 0) throw new ArgumentOutOfRangeException(nameof(amount), "an adjustment cannot be zero");
        var rows = db.Execute("UPDATE accounts SET balance = balance + @amount WHERE id = @accountId AND balance + @amount >= 0",
            new { amount = amount.Millis, accountId }, tx);
        if (rows == 0)
        {
            if (db.ExecuteScalar<long>("SELECT count(*) FROM accounts WHERE id = @accountId", new { accountId }, tx) == 0)
                throw new KeyNotFoundException($"no account {accountId}");
            return false;
        }
        Insert(db, tx, accountId, null, "adjust", amount.Millis, 0, note);
        return true;
    }

    /// <summary>Gives the hold of a failed task back to the wallet. Idempotent per task.</summary>
    public static void Release(DbConnection db, DbTransaction tx, string accountId, string taskId, Money price)
    {
        if (Insert(db, tx, accountId, taskId, "release", price.Millis, -price.Millis, null, onceOnly: true))
            db.Execute("UPDATE accounts SET balance = balance + @price WHERE id = @accountId", new { price = price.Millis, accountId }, tx);
    }

    private static bool Insert(DbConnection db, DbTransaction tx, string accountId, string? taskId, string kind,
        long amount, long held, string? note, bool onceOnly = false)
    {
        // ON CONFLICT DO NOTHING meets the unique (task, kind) index: a second settle or release of a task writes nothing.
        var sql = "INSERT INTO ledger (account_id, task_id, kind, amount, held, note, created_at) VALUES (@accountId, @taskId, @kind, @amount, @held, @note, @now)" +
            (onceOnly ? " ON CONFLICT DO NOTHING" : "");
        return db.Execute(sql, new { accountId, taskId, kind, amount, held, note, now = Clock.NowMs() }, tx) == 1;
    }
}
