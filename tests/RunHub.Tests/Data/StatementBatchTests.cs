using Dapper;
using Npgsql;
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

    [PostgresFact]
    public async Task A_batch_that_commits_by_itself_writes_all_of_its_statements_or_none()
    {
        using var store = new TestStore(StoreKind.Postgres);
        var account = await new AccountDirectory(store.Database, TimeProvider.System).CreateAsync("batch", Money.FromDecimal(1m));
        var database = (PostgresDatabase)store.Database;

        StatementBatch Debits(long second)
        {
            var batch = new StatementBatch();
            batch.Execute("UPDATE accounts SET balance = balance - @price WHERE id = @id", ("price", 400L), ("id", account.AccountId));
            batch.Execute("UPDATE accounts SET name = 'spent' WHERE id = @id", ("id", account.AccountId));
            batch.Execute("UPDATE accounts SET balance = balance - @price WHERE id = @id", ("price", second), ("id", account.AccountId));
            return batch;
        }

        await using (var db = await database.OpenPostgresAsync())
        {
            // The third statement fails on the balance's CHECK: the first two are rolled back with it.
            var failure = await Assert.ThrowsAsync<PostgresException>(() => Debits(700).CommitAsync(db));
            Assert.True(WalletLedger.IsOverdraft(failure));
            Assert.Equal(System.Data.ConnectionState.Open, db.State);
            var written = await Debits(500).CommitAsync(db);
            Assert.Equal(1, written.RowsChanged(2));
        }
        using var check = store.Database.Open();
        Assert.Equal((100L, "spent"), check.QuerySingle<(long, string)>("SELECT balance, name FROM accounts WHERE id = @id", new { id = account.AccountId }));
    }
}
