using System.Data.Common;
using Dapper;
using Microsoft.Data.Sqlite;
using RunHub.Data;
using RunHub.Tests.Support;

namespace RunHub.Tests.Data;

/// <summary>
/// SQLite's step 18 rewrites the CHECKs of tasks.status, ledger.kind and webhook_deliveries.status without IN lists and
/// drops the ledger's AUTOINCREMENT, editing the tables' text in place: the writes get cheaper, the rules stay.
/// </summary>
public sealed class CheckConstraintMigrationTests
{
    private const string InsertTask =
        "INSERT INTO tasks (id, account_id, endpoint, client_id, status, parameters, price, created_at) VALUES (@id, 'a1', 'x/y', 'c', @status, '{}', 1, 1)";

    private const string InsertLedgerLine =
        "INSERT INTO ledger (account_id, task_id, kind, amount, held, note, created_at) VALUES ('a1', @task, @kind, -1, 1, NULL, 1)";

    private const string InsertDelivery =
        "INSERT INTO webhook_deliveries (id, task_id, account_id, url, status, created_at, updated_at) VALUES (@id, 't1', 'a1', 'http://x', @status, 1, 1)";

    [Fact]
    public void Upgraded_tables_keep_their_rows_and_rules_and_their_writes_build_no_table_in_memory()
    {
        using var data = new TempDirectory();
        var file = Path.Combine(data.Path, "runhub.db");
        using (var old = new SqliteConnection($"Data Source={file};Pooling=False"))
        {
            old.Open();
            old.Execute("PRAGMA foreign_keys = ON;");
            SqliteSchema.Migrate(old, upTo: 17);
            old.Execute("INSERT INTO accounts (id, name, balance, created_at) VALUES ('a1', 'old', 100, 1)");
            old.Execute(InsertTask, new { id = "t1", status = "QUEUED" });
            old.Execute(InsertLedgerLine, new { task = "t1", kind = "reserve" });
            old.Execute(InsertLedgerLine, new { task = (string?)null, kind = "topup" });
            old.Execute(InsertDelivery, new { id = "d1", status = "PENDING" });
            // Before the step: each of these writes compiles its CHECK's list into a table built in memory.
            Assert.Contains("OpenEphemeral", Opcodes(old, InsertTask));
            Assert.Contains("OpenEphemeral", Opcodes(old, InsertLedgerLine));
        }

        var database = new SqliteDatabase(data.Path);

        using var db = database.Open();
        Assert.Equal("ok", db.ExecuteScalar<string>("PRAGMA integrity_check"));
        Assert.Equal("QUEUED", db.ExecuteScalar<string>("SELECT status FROM tasks WHERE id = 't1'"));
        Assert.Equal(new[] { 1L, 2L }, db.Query<long>("SELECT id FROM ledger ORDER BY id"));
        Assert.Equal("PENDING", db.ExecuteScalar<string>("SELECT status FROM webhook_deliveries WHERE id = 'd1'"));
        foreach (var write in new[] { InsertTask, InsertLedgerLine, InsertDelivery })
            Assert.DoesNotContain("OpenEphemeral", Opcodes(db, write));

        // The rules are the same: every allowed value is taken, anything else refused.
        foreach (var (status, i) in new[] { "QUEUED", "RUNNING", "SUCCESS", "FAILED", "CANCEL" }.Select((s, i) => (s, i)))
            db.Execute(InsertTask, new { id = $"n{i}", status });
        AssertRefused(db, InsertTask, new { id = "bad", status = "DONE" });
        AssertRefused(db, InsertTask, new { id = "bad", status = "queued" });
        foreach (var kind in new[] { "topup", "reserve", "release", "settle", "adjust" })
            db.Execute(InsertLedgerLine, new { task = (string?)null, kind });
        AssertRefused(db, InsertLedgerLine, new { task = (string?)null, kind = "gift" });
        foreach (var (status, i) in new[] { "PENDING", "SUCCESS", "FAILED" }.Select((s, i) => (s, i)))
            db.Execute(InsertDelivery, new { id = $"n{i}", status });
        AssertRefused(db, InsertDelivery, new { id = "bad", status = "LOST" });

        // Ledger ids go on from the largest, without sqlite_sequence.
        var sequence = db.ExecuteScalar<long>("SELECT seq FROM sqlite_sequence WHERE name = 'ledger'");
        Assert.Equal(7L, db.ExecuteScalar<long>("SELECT max(id) FROM ledger"));
        Assert.Equal(sequence, db.ExecuteScalar<long>("SELECT seq FROM sqlite_sequence WHERE name = 'ledger'"));
        Assert.Equal(2L, sequence);
    }

    [Fact]
    public void A_connection_opened_before_the_upgrade_reads_the_new_schema()
    {
        using var data = new TempDirectory();
        var file = Path.Combine(data.Path, "runhub.db");
        using var before = new SqliteConnection($"Data Source={file};Pooling=False");
        before.Open();
        SqliteSchema.Migrate(before, upTo: 17);
        Assert.Contains("OpenEphemeral", Opcodes(before, InsertTask));

        using (var upgrading = new SqliteConnection($"Data Source={file};Pooling=False"))
        {
            upgrading.Open();
            SqliteSchema.Migrate(upgrading);
        }

        // Its next statement sees the schema cookie moved on and reads the schema again (EXPLAIN alone does not look).
        Assert.Equal(0L, before.ExecuteScalar<long>("SELECT count(*) FROM tasks"));
        Assert.DoesNotContain("OpenEphemeral", Opcodes(before, InsertTask));
        Assert.DoesNotContain("AUTOINCREMENT", before.ExecuteScalar<string>("SELECT sql FROM sqlite_schema WHERE name = 'ledger'"));
    }

    /// <summary>The opcodes SQLite compiles <paramref name="sql"/> to (EXPLAIN's second column).</summary>
    private static List<string> Opcodes(DbConnection db, string sql) =>
        db.Query($"EXPLAIN {sql}", new { id = "x", status = "QUEUED", task = "t1", kind = "reserve" })
            .Select(row => (string)((IDictionary<string, object>)row)["opcode"]).ToList();

    private static void AssertRefused(DbConnection db, string sql, object values)
    {
        var refused = Assert.Throws<SqliteException>(() => db.Execute(sql, values));
        Assert.Contains("CHECK constraint failed", refused.Message);
    }
}
