using Dapper;
using Microsoft.Data.Sqlite;
using RunHub.Data;
using RunHub.Tests.Support;

namespace RunHub.Tests.Data;

/// <summary>The step that rebuilds the tasks table (for CANCEL and the engine columns) keeps every row and reference.</summary>
public sealed class TaskTableMigrationTests
{
    [Fact]
    public void Rebuilding_the_tasks_table_keeps_tasks_and_idempotency_keys_and_allows_cancel()
    {
        using var data = new TempDirectory();
        var file = Path.Combine(data.Path, "runhub.db");
        using (var old = new SqliteConnection($"Data Source={file};Pooling=False"))
        {
            old.Open();
            old.Execute("PRAGMA foreign_keys = ON;");
            SqliteSchema.Migrate(old, upTo: 2);
            old.Execute("INSERT INTO accounts (id, name, balance, created_at) VALUES ('a1', 'old', 100, 1)");
            old.Execute("""
                INSERT INTO tasks (id, account_id, endpoint, client_id, status, parameters, price, results, attempts, created_at, finished_at)
                VALUES ('t1', 'a1', 'x/y', 'c', 'SUCCESS', '{"prompt":"p"}', 30, '[]', 1, 5, 9)
                """);
            old.Execute("INSERT INTO idempotency_keys (account_id, key, request_hash, task_id, created_at) VALUES ('a1', 'k', 'h', 't1', 5)");
            Assert.Throws<SqliteException>(() => old.Execute(
                "INSERT INTO tasks (id, account_id, endpoint, client_id, status, parameters, price, created_at) VALUES ('t2', 'a1', 'x/y', 'c', 'CANCEL', '{}', 1, 1)"));
        }

        var database = new SqliteDatabase(data.Path);

        using var db = database.Open();
        var task = db.QuerySingle("SELECT status, parameters, price, results, attempts, finished_at, available_at FROM tasks WHERE id = 't1'");
        Assert.Equal("SUCCESS", (string)task.status);
        Assert.Equal("""{"prompt":"p"}""", (string)task.parameters);
        Assert.Equal(30L, (long)task.price);
        Assert.Equal(9L, (long)task.finished_at);
        Assert.Null(task.available_at);
        Assert.Equal("t1", db.ExecuteScalar<string>("SELECT task_id FROM idempotency_keys WHERE key = 'k'"));
        db.Execute("INSERT INTO tasks (id, account_id, endpoint, client_id, status, parameters, price, created_at) VALUES ('t2', 'a1', 'x/y', 'c', 'CANCEL', '{}', 1, 1)");
        // References are still enforced against the rebuilt table.
        Assert.Throws<SqliteException>(() => db.Execute(
            "INSERT INTO idempotency_keys (account_id, key, request_hash, task_id, created_at) VALUES ('a1', 'k2', 'h', 'no-such-task', 5)"));
        Assert.Throws<SqliteException>(() => db.Execute(
            "INSERT INTO tasks (id, account_id, endpoint, client_id, status, parameters, price, created_at) VALUES ('t3', 'a1', 'x/y', 'c', 'LOST', '{}', 1, 1)"));
    }
}
