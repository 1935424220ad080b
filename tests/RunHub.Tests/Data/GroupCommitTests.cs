using Dapper;
using RunHub.Data;

namespace RunHub.Tests.Data;

public sealed class GroupCommitTests
{
    [Theory, SqliteStore, PostgresStore]
    public async Task Concurrent_operations_all_commit_and_one_that_throws_fails_alone(StoreKind kind)
    {
        using var store = new TestStore(kind);
        var database = store.Database;
        using (var db = database.Open()) db.Execute("CREATE TABLE items (n INTEGER PRIMARY KEY)");
        await using var commits = new GroupCommit(database);

        var writes = Enumerable.Range(1, 200).Select(n => Task.Run(() => commits.RunAsync(async (db, tx) =>
        {
            await db.ExecuteAsync("INSERT INTO items (n) VALUES (@n)", new { n }, tx);
            if (n == 77) throw new InvalidOperationException("operation 77 refuses");
            return n;
        }))).ToList();

        var failure = await Assert.ThrowsAsync<InvalidOperationException>(() => writes[76]);
        Assert.Equal("operation 77 refuses", failure.Message);
        foreach (var write in writes.Where((_, i) => i != 76)) await write;

        using var check = database.Open();
        Assert.Equal(199, check.ExecuteScalar<long>("SELECT count(*) FROM items"));
        Assert.Equal(0, check.ExecuteScalar<long>("SELECT count(*) FROM items WHERE n = 77"));
    }

    [Theory, SqliteStore, PostgresStore]
    public async Task Compiled_statements_rebind_every_value_and_null_on_each_run(StoreKind kind)
    {
        using var store = new TestStore(kind);
        var database = store.Database;
        using (var db = database.Open()) db.Execute("CREATE TABLE notes (n INTEGER PRIMARY KEY, note TEXT)");
        await using var commits = new GroupCommit(database);

        // The same statement text many times on the group commit's kept connection: each run binds its own values.
        await Task.WhenAll(Enumerable.Range(1, 50).Select(n => commits.RunAsync((db, tx) =>
            db.ExecuteCompiledAsync(tx, "INSERT INTO notes (n, note) VALUES (@n, @note)", ("n", n), ("note", n % 2 == 0 ? $"even {n}" : null)))));

        using var check = database.Open();
        var rows = check.Query<(long N, string? Note)>("SELECT n, note FROM notes ORDER BY n").ToList();
        Assert.Equal(Enumerable.Range(1, 50).Select(n => (long)n), rows.Select(r => r.N));
        Assert.All(rows, r => Assert.Equal(r.N % 2 == 0 ? $"even {r.N}" : null, r.Note));
    }

    [Fact]
    public async Task A_batch_that_breaks_its_connection_leaves_the_next_batch_a_working_one()
    {
        using var store = new TestStore(StoreKind.Sqlite);
        var database = store.Database;
        using (var db = database.Open()) db.Execute("CREATE TABLE items (n INTEGER PRIMARY KEY)");
        await using var commits = new GroupCommit(database);
        await commits.RunAsync((db, tx) => db.ExecuteCompiledAsync(tx, "INSERT INTO items (n) VALUES (@n)", ("n", 1)));

        // Closing the kept connection under the batch fails the whole batch, not the ones after it.
        await Assert.ThrowsAnyAsync<Exception>(() => commits.RunAsync<int>(async (db, tx) =>
        {
            await db.CloseAsync();
            return 0;
        }));
        await commits.RunAsync((db, tx) => db.ExecuteCompiledAsync(tx, "INSERT INTO items (n) VALUES (@n)", ("n", 2)));

        using var check = database.Open();
        Assert.Equal([1L, 2L], check.Query<long>("SELECT n FROM items ORDER BY n"));
    }

    [Fact]
    public async Task The_writer_keeps_its_savepoint_journal_in_memory_without_lending_that_to_the_pool()
    {
        using var store = new TestStore(StoreKind.Sqlite);
        var database = store.Database;
        await using var commits = new GroupCommit(database);

        // temp_store 2 is MEMORY: each operation's savepoint journal is never a temporary file written per batch.
        var writers = await commits.RunAsync((db, tx) => db.ScalarCompiledAsync<long>(tx, "PRAGMA temp_store"));
        Assert.Equal(2, writers);
        using var pooled = database.Open();
        Assert.Equal(0, pooled.ExecuteScalar<long>("PRAGMA temp_store"));
    }
}
