using System.Data.Common;
using Dapper;
using Microsoft.Data.Sqlite;
using RunHub.Data;

namespace RunHub.Tests.Data;

/// <summary>
/// The group commit's writer runs its statements compiled, through SQLite's own API (<see cref="KeptStatement"/>):
/// what they store, count and raise must be what Microsoft.Data.Sqlite gives for the same call on any other connection.
/// </summary>
public sealed class CompiledStatementsTests
{
    private const string Insert = "INSERT INTO kinds (id, value) VALUES (@id, @value)";

    private static readonly object?[] Values =
    [
        "plain", "", "ünïcödé ✓ 😀", "bad \ud800 surrogate", new string('x', 5000), 42L, -7, (short)3, (byte)200, true, false,
        2.5, new byte[] { 1, 2, 3 }, Array.Empty<byte>(), null, DBNull.Value,
    ];

    [Fact]
    public async Task Values_are_stored_exactly_as_the_driver_stores_them()
    {
        await using var connections = await Connections.OpenAsync();
        var (writer, plain) = (connections.Writer, connections.Plain);

        for (var i = 0; i < Values.Length; i++)
        {
            await InTransactionAsync(writer, tx => writer.ExecuteCompiledAsync(tx, Insert, ("id", $"kept {i}"), ("value", Values[i])));
            // Dapper refuses DBNull itself; the driver binds null as it.
            await InTransactionAsync(plain, tx => plain.ExecuteCompiledAsync(tx, Insert, ("id", $"driver {i}"), ("value", Values[i] is DBNull ? null : Values[i])));
        }

        for (var i = 0; i < Values.Length; i++)
        {
            var kept = plain.QuerySingle<(string Type, string Quoted)>("SELECT typeof(value), quote(value) FROM kinds WHERE id = @id", new { id = $"kept {i}" });
            var driver = plain.QuerySingle<(string Type, string Quoted)>("SELECT typeof(value), quote(value) FROM kinds WHERE id = @id", new { id = $"driver {i}" });
            Assert.Equal(driver, kept);
        }
    }

    [Fact]
    public async Task A_scalar_reads_each_kind_of_value_as_the_driver_does_and_null_for_no_row()
    {
        await using var connections = await Connections.OpenAsync();
        var (writer, plain) = (connections.Writer, connections.Plain);
        foreach (var (id, value) in new (string, object?)[] { ("text", "ü"), ("integer", 5L), ("real", 0.25), ("blob", new byte[] { 9 }), ("null", null) })
            await InTransactionAsync(plain, tx => plain.ExecuteCompiledAsync(tx, Insert, ("id", id), ("value", value)));

        foreach (var id in new[] { "text", "integer", "real", "blob", "null", "no such row" })
        {
            const string select = "SELECT value FROM kinds WHERE id = @id";
            var kept = await InTransactionAsync(writer, tx => writer.ScalarCompiledAsync<object>(tx, select, ("id", id)));
            var driver = await InTransactionAsync(plain, tx => plain.ScalarCompiledAsync<object>(tx, select, ("id", id)));
            Assert.Equal(driver, kept);
        }
        Assert.Equal(5, await InTransactionAsync(writer, tx => writer.ScalarCompiledAsync<int>(tx, "SELECT value FROM kinds WHERE id = @id", ("id", "integer"))));
    }

    [Fact]
    public async Task Rows_changed_are_counted_as_the_driver_counts_them_and_a_refused_statement_raises_sqlites_error_and_runs_again()
    {
        await using var connections = await Connections.OpenAsync();
        var (writer, plain) = (connections.Writer, connections.Plain);

        var both = new List<int[]>();
        foreach (var db in new[] { writer, plain })
        {
            var counts = await InTransactionAsync(db, async tx => new[]
            {
                await db.ExecuteCompiledAsync(tx, Insert, ("id", "a"), ("value", 1L)),
                await db.ExecuteCompiledAsync(tx, Insert, ("id", "b"), ("value", 1L)),
                await db.ExecuteCompiledAsync(tx, "UPDATE kinds SET value = value + 1 WHERE value = @value", ("value", 1L)),
                await db.ExecuteCompiledAsync(tx, "UPDATE kinds SET value = 0 WHERE id = @id", ("id", "none")),
                await db.ExecuteCompiledAsync(tx, "SAVEPOINT s"),
                await db.ExecuteCompiledAsync(tx, "UPDATE kinds SET value = value + 1 WHERE value = @value", ("value", 2L)),
                await db.ExecuteCompiledAsync(tx, "RELEASE s"),
                await db.ExecuteCompiledAsync(tx, "SELECT count(*) FROM kinds"),
                await db.ExecuteCompiledAsync(tx, "DELETE FROM kinds"),
            });
            both.Add(counts);
        }
        Assert.Equal([1, 1, 2, 0], both[0][..4]);
        Assert.Equal(-1, both[0][^2]); // a query
        Assert.Equal(both[1], both[0]);

        await InTransactionAsync(writer, tx => writer.ExecuteCompiledAsync(tx, Insert, ("id", "taken"), ("value", 1L)));
        var refused = await Assert.ThrowsAsync<SqliteException>(() =>
            InTransactionAsync(writer, tx => writer.ExecuteCompiledAsync(tx, Insert, ("id", "taken"), ("value", 2L))));
        Assert.Equal(19, refused.SqliteErrorCode); // SQLITE_CONSTRAINT
        Assert.Contains("UNIQUE constraint failed: kinds.id", refused.Message);
        Assert.Equal(1, await InTransactionAsync(writer, tx => writer.ExecuteCompiledAsync(tx, Insert, ("id", "free"), ("value", 3L))));
        Assert.Equal(2, plain.ExecuteScalar<long>("SELECT count(*) FROM kinds"));
    }

    [Fact]
    public async Task A_text_of_several_statements_and_a_value_of_another_type_still_run_and_a_missing_parameter_is_refused()
    {
        await using var connections = await Connections.OpenAsync();
        var (writer, plain) = (connections.Writer, connections.Plain);

        await InTransactionAsync(writer, tx => writer.ExecuteCompiledAsync(tx,
            "INSERT INTO kinds (id, value) VALUES ('one', 1); INSERT INTO kinds (id, value) VALUES ('two', 2)"));
        await InTransactionAsync(writer, tx => writer.ExecuteCompiledAsync(tx, Insert, ("id", "decimal"), ("value", 1.5m)));
        Assert.Equal(3, plain.ExecuteScalar<long>("SELECT count(*) FROM kinds"));

        await Assert.ThrowsAsync<InvalidOperationException>(() =>
            InTransactionAsync(writer, tx => writer.ExecuteCompiledAsync(tx, Insert, ("id", "no value"))));
        await InTransactionAsync(writer, tx => writer.ExecuteCompiledAsync(tx, Insert, ("id", "kept"), ("value", 1L)));
        await Assert.ThrowsAsync<InvalidOperationException>(() =>
            InTransactionAsync(writer, tx => writer.ExecuteCompiledAsync(tx, Insert, ("value", 1L), ("id", "other order"))));
    }

    [Fact]
    public async Task A_writer_closes_with_its_statements_compiled_and_the_next_writer_compiles_them_again()
    {
        using var store = new TestStore(StoreKind.Sqlite);
        for (var round = 0; round < 2; round++)
        {
            var (writer, plain) = await OpenBothAsync(store, create: round == 0);
            using (plain)
            {
                await InTransactionAsync(writer, tx => writer.ExecuteCompiledAsync(tx, Insert, ("id", $"round {round}"), ("value", round)));
                await writer.DisposeAsync();
                Assert.Equal(round + 1, plain.ExecuteScalar<long>("SELECT count(*) FROM kinds"));
            }
        }
    }

    [Fact]
    public async Task A_text_is_compiled_once_whether_it_comes_as_the_same_string_or_as_a_new_one_with_the_same_characters()
    {
        await using var connections = await Connections.OpenAsync();
        var writer = (SqliteConnection)connections.Writer;
        // SQLitePCLRaw finds the connection's statements for sqlite3_next_stmt only when told to before they are compiled.
        writer.Handle!.enable_sqlite3_next_stmt(true);
        await InTransactionAsync(writer, tx => writer.ExecuteCompiledAsync(tx, Insert, ("id", "first"), ("value", 0L)));
        var compiled = CompiledOn(writer);

        for (var i = 0; i < 100; i++)
        {
            // A constant (found by the string's identity) and the same text built anew (found by its characters).
            await InTransactionAsync(writer, tx => writer.ExecuteCompiledAsync(tx, Insert, ("id", $"same {i}"), ("value", i)));
            var rebuilt = string.Concat(Insert.AsSpan(0, 10), Insert.AsSpan(10));
            Assert.NotSame(Insert, rebuilt);
            await InTransactionAsync(writer, tx => writer.ExecuteCompiledAsync(tx, rebuilt, ("id", $"rebuilt {i}"), ("value", i)));
        }

        Assert.Equal(compiled, CompiledOn(writer));
        Assert.Equal(201, connections.Plain.ExecuteScalar<long>("SELECT count(*) FROM kinds"));
    }

    /// <summary>The statements compiled on <paramref name="db"/>'s native connection and not yet finalized.</summary>
    private static int CompiledOn(SqliteConnection db)
    {
        var count = 0;
        for (var statement = SQLitePCL.raw.sqlite3_next_stmt(db.Handle, null); statement is not null && !statement.IsInvalid;
             statement = SQLitePCL.raw.sqlite3_next_stmt(db.Handle, statement))
            count++;
        return count;
    }

    /// <summary>A fresh SQLite store with its kept-statement writer and a plain pooled connection, all closed together.</summary>
    private sealed class Connections(TestStore store, DbConnection writer, DbConnection plain) : IAsyncDisposable
    {
        public DbConnection Writer => writer;
        public DbConnection Plain => plain;

        public static async Task<Connections> OpenAsync()
        {
            var store = new TestStore(StoreKind.Sqlite);
            var (writer, plain) = await OpenBothAsync(store);
            return new Connections(store, writer, plain);
        }

        public async ValueTask DisposeAsync()
        {
            await writer.DisposeAsync();
            plain.Dispose();
            store.Dispose();
        }
    }

    private static async Task<(DbConnection Writer, DbConnection Plain)> OpenBothAsync(TestStore store, bool create = true)
    {
        var plain = store.Database.Open();
        if (create) plain.Execute("CREATE TABLE kinds (id TEXT PRIMARY KEY, value)");
        return (await store.Database.OpenWriterAsync(), plain);
    }

    private static async Task<T> InTransactionAsync<T>(DbConnection db, Func<DbTransaction, Task<T>> work)
    {
        await using var tx = await db.BeginTransactionAsync();
        var result = await work(tx);
        await tx.CommitAsync();
        return result;
    }
}
