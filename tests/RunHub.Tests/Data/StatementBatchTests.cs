using Dapper;
using RunHub.Accounts;
using RunHub.Data;

namespace RunHub.Tests.Data;

public sealed class StatementBatchTests
{
    [Theory, SqliteStore, PostgresStore]
    public async Task A_batch_runs_its_statements_in_order_and_tells_each_ones_changed_rows_around_a_query(StoreKind kind)
    {
        using var store = new TestStore(kind);
        var account = await new AccountDirectory(store.Database, TimeProvider.System).CreateAsync("batch", Money.FromDecimal(1m));

        var results = await store.Database.InTransactionAsync(async (db, tx) =>
        {
            var batch = new StatementBatch();
            var debit = batch.Execute("UPDATE accounts SET balance = balance - @price WHERE id = @id AND balance >= @price", ("price", 400L), ("id", account.AccountId));
            batch.Query("SELECT balance FROM accounts WHERE id = @id", ("id", account.AccountId));
            var none = batch.Execute("UPDATE accounts SET balance = 0 WHERE id = @id", ("id", "no such account"));
            var second = batch.Execute("UPDATE accounts SET balance = balance - @price WHERE id = @id AND balance >= @price", ("price", 700L), ("id", account.AccountId));
            var named = batch.Execute("UPDATE accounts SET disabled_at = @at WHERE id = @id", ("at", null), ("id", account.AccountId));
            var written = await batch.RunAsync(db, tx);
            return (Debit: written.RowsChanged(debit), None: written.RowsChanged(none), Second: written.RowsChanged(second), Named: written.RowsChanged(named));
        });

        Assert.Equal((1, 0, 0, 1), results);
        using var check = store.Database.Open();
        Assert.Equal(600L, check.ExecuteScalar<long>("SELECT balance FROM accounts WHERE id = @id", new { id = account.AccountId }));
    }
}
