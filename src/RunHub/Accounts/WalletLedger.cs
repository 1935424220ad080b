using Dapper;
using System.Data.Common;
using RunHub.Data;

namespace RunHub.Accounts;

/// <summary>
/// Moves money, always inside the caller's transaction together with the state change it pays for.
/// The wallet balance column is kept in step with the ledger rows in the same statement batch, and its
/// CHECK (balance >= 0) plus the guarded UPDATE make an overdraft impossible even under concurrent submits: on
/// PostgreSQL at READ COMMITTED a second debit of the same wallet waits for the first one's row lock and then
/// re-checks <c>balance >= @price</c> against the committed balance, on any node. Amounts are <see cref="Money"/>
/// (thousandths of a CNY in the columns); <c>now</c> is Unix milliseconds.
/// </summary>
public static class WalletLedger
{
    /// <summary>Adds <paramref name="amount"/> to the wallet, never past <see cref="Money.Max"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The amount is not positive.</exception>
    /// <exception cref="KeyNotFoundException">There is no such account.</exception>
    /// <exception cref="BalanceLimitException">The balance would pass <see cref="Money.Max"/>; nothing is written.</exception>
    public static async Task TopUpAsync(DbConnection db, DbTransaction tx, string accountId, Money amount, string? note, long now)
    {
        if (amount.Millis <= 0) throw new ArgumentOutOfRangeException(nameof(amount), "a top-up must be positive");
        if (amount > Money.Max) throw new BalanceLimitException(accountId, null, amount);
        var rows = await db.ExecuteAsync("UPDATE accounts SET balance = balance + @amount WHERE id = @accountId AND balance <= @max - @amount",
            new { amount = amount.Millis, accountId, max = Money.Max.Millis }, tx);
        if (rows == 0)
        {
            var balance = await db.ExecuteScalarAsync<long?>("SELECT balance FROM accounts WHERE id = @accountId", new { accountId }, tx);
            throw balance is null ? new KeyNotFoundException($"no account {accountId}") : new BalanceLimitException(accountId, new Money(balance.Value), amount);
        }
        await InsertAsync(db, tx, accountId, null, "topup", amount.Millis, 0, note, now);
    }

    /// <summary>
    /// Adds to <paramref name="batch"/> the hold of a task's price: the wallet's debit and its ledger line. Returns the
    /// debit's place; when it changed no row, the wallet could not cover the price, and the caller must refuse (roll back)
    /// the transaction, whose ledger line would otherwise stand without its debit. With <paramref name="refusedByCheck"/>
    /// (for a batch that commits by itself, <see cref="StatementBatch.CommitAsync"/>) the debit is not guarded: a wallet
    /// that cannot cover the price fails the statement on the balance's <c>CHECK (balance &gt;= 0)</c> instead, which
    /// rolls everything back in the database (<see cref="IsOverdraft"/> tells that failure).
    /// </summary>
    public static int Reserve(StatementBatch batch, string accountId, string taskId, Money price, long now, bool refusedByCheck = false)
    {
        var debit = batch.Execute(
            refusedByCheck
                ? "UPDATE accounts SET balance = balance - @price WHERE id = @accountId"
                : "UPDATE accounts SET balance = balance - @price WHERE id = @accountId AND balance >= @price",
            ("price", price.Millis), ("accountId", accountId));
        batch.Execute(LedgerLine(onceOnly: false), LedgerValues(accountId, taskId, "reserve", -price.Millis, price.Millis, null, now));
        return debit;
    }

    /// <summary>
    /// Whether <paramref name="failure"/> is PostgreSQL refusing a debit past zero (the balance's <c>CHECK</c>, named by
    /// PostgreSQL after its table and column): the wallet could not cover a price debited with <c>refusedByCheck</c>.
    /// </summary>
    public static bool IsOverdraft(Exception failure) =>
        failure is Npgsql.PostgresException { SqlState: Npgsql.PostgresErrorCodes.CheckViolation, ConstraintName: "accounts_balance_check" };

    /// <summary>
    /// Turns the hold of a finished task into a charge, and adds it to the account's spending of the day (UTC) that
    /// the console's chart reads. Idempotent per task.
    /// </summary>
    public static async Task SettleAsync(DbConnection db, DbTransaction tx, string accountId, string taskId, Money price, long now)
    {
        if (await InsertAsync(db, tx, accountId, taskId, "settle", 0, -price.Millis, null, now, onceOnly: true) && price.Millis > 0)
            await db.ExecuteAsync(
                """
                INSERT INTO daily_spending (account_id, day, amount) VALUES (@accountId, @day, @amount)
                ON CONFLICT (account_id, day) DO UPDATE SET amount = daily_spending.amount + excluded.amount
                """, new { accountId, day = now / MillisPerDay, amount = price.Millis }, tx);
    }

    /// <summary>Milliseconds in a day: the unit of <c>daily_spending.day</c> (days since 1970-01-01, UTC).</summary>
    public const long MillisPerDay = 86_400_000;

    /// <summary>
    /// An operator's correction of a wallet, up or down, with the reason in the line's note. False (nothing written)
    /// when a deduction would take the balance below zero.
    /// </summary>
    /// <exception cref="KeyNotFoundException">No such account.</exception>
    /// <exception cref="BalanceLimitException">An addition would take the balance past <see cref="Money.Max"/>, as a top-up's would.</exception>
    public static async Task<bool> TryAdjustAsync(DbConnection db, DbTransaction tx, string accountId, Money amount, string note, long now)
    {
        if (amount.Millis == 0) throw new ArgumentOutOfRangeException(nameof(amount), "an adjustment cannot be zero");
        if (amount > Money.Max) throw new BalanceLimitException(accountId, null, amount);
        var rows = await db.ExecuteAsync(
            "UPDATE accounts SET balance = balance + @amount WHERE id = @accountId AND balance + @amount >= 0 AND balance <= @max - @amount",
            new { amount = amount.Millis, accountId, max = Money.Max.Millis }, tx);
        if (rows == 0)
        {
            var balance = await db.ExecuteScalarAsync<long?>("SELECT balance FROM accounts WHERE id = @accountId", new { accountId }, tx);
            if (balance is null) throw new KeyNotFoundException($"no account {accountId}");
            if (amount.Millis > 0) throw new BalanceLimitException(accountId, new Money(balance.Value), amount);
            return false;
        }
        await InsertAsync(db, tx, accountId, null, "adjust", amount.Millis, 0, note, now);
        return true;
    }

    /// <summary>
    /// Charges <paramref name="charged"/> of a task's hold of <paramref name="reserved"/> and gives the rest back (a task
    /// billed by run time reserves the price of its longest run). Idempotent per task.
    /// </summary>
    public static async Task SettleAsync(DbConnection db, DbTransaction tx, string accountId, string taskId, Money reserved, Money charged, long now)
    {
        var charge = charged < reserved ? charged : reserved;
        await SettleAsync(db, tx, accountId, taskId, charge, now);
        if (charge < reserved) await ReleaseAsync(db, tx, accountId, taskId, reserved - charge, now);
    }

    /// <summary>Gives the hold of a failed task back to the wallet (and to its key's spend cap, <see cref="KeySpending"/>). Idempotent per task.</summary>
    public static async Task ReleaseAsync(DbConnection db, DbTransaction tx, string accountId, string taskId, Money price, long now)
    {
        if (await InsertAsync(db, tx, accountId, taskId, "release", price.Millis, -price.Millis, null, now, onceOnly: true))
        {
            await db.ExecuteAsync("UPDATE accounts SET balance = balance + @price WHERE id = @accountId", new { price = price.Millis, accountId }, tx);
            await KeySpending.ReleaseAsync(db, tx, taskId, price);
        }
    }

    private static async Task<bool> InsertAsync(DbConnection db, DbTransaction tx, string accountId, string? taskId, string kind,
        long amount, long held, string? note, long now, bool onceOnly = false)
    {
        return await db.ExecuteCompiledAsync(tx, LedgerLine(onceOnly), LedgerValues(accountId, taskId, kind, amount, held, note, now)) == 1;
    }

    /// <summary>
    /// A ledger line's insert. With <paramref name="onceOnly"/>, ON CONFLICT DO NOTHING meets the unique (task, kind)
    /// index: a second settle or release of a task writes nothing.
    /// </summary>
    private static string LedgerLine(bool onceOnly) => onceOnly ? LedgerLineOnceOnly : LedgerLineAlways;

    private const string LedgerLineAlways =
        "INSERT INTO ledger (account_id, task_id, kind, amount, held, note, created_at) VALUES (@accountId, @taskId, @kind, @amount, @held, @note, @now)";

    // One string object, built once: the writer's kept statements are found by the text's identity first (CompiledStatements).
    private const string LedgerLineOnceOnly = LedgerLineAlways + " ON CONFLICT DO NOTHING";

    private static (string Name, object? Value)[] LedgerValues(string accountId, string? taskId, string kind, long amount, long held, string? note, long now) =>
        [("accountId", accountId), ("taskId", taskId), ("kind", kind), ("amount", amount), ("held", held), ("note", note), ("now", now)];
}
