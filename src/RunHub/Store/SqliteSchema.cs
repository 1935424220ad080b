using Dapper;
using Microsoft.Data.Sqlite;

namespace RunHub.Store;

/// <summary>
/// The schema, as numbered steps applied in order inside one write transaction, so processes that start
/// at once cannot both apply a step. Money columns are integer thousandths of CNY; times are Unix milliseconds.
/// </summary>
internal static class SqliteSchema
{
    /// <summary>How many steps there are; <see cref="PostgresSchema"/> mirrors each of them.</summary>
    public static int StepCount => Steps.Length;

    private static readonly string[] Steps =
    [
        """
        CREATE TABLE accounts (
            id          TEXT PRIMARY KEY,
            name        TEXT NOT NULL,
            balance     INTEGER NOT NULL DEFAULT 0 CHECK (balance >= 0),
            created_at  INTEGER NOT NULL
        );
        CREATE TABLE api_keys (
            key_hash    TEXT PRIMARY KEY,
            account_id  TEXT NOT NULL REFERENCES accounts(id),
            key_hint    TEXT NOT NULL,
            created_at  INTEGER NOT NULL,
            revoked_at  INTEGER
        );
        CREATE INDEX api_keys_account ON api_keys(account_id);
        -- Every movement of money. amount moves the wallet (balance = sum of amount), held moves the
        -- reservation of a task (outstanding holds = sum of held). One row per task and kind, so a
        -- task re-run after a crash can never be charged or refunded twice.
        CREATE TABLE ledger (
            id          INTEGER PRIMARY KEY AUTOINCREMENT,
            account_id  TEXT NOT NULL REFERENCES accounts(id),
            task_id     TEXT,
            kind        TEXT NOT NULL CHECK (kind IN ('topup', 'reserve', 'release', 'settle')),
            amount      INTEGER NOT NULL,
            held        INTEGER NOT NULL DEFAULT 0,
            note        TEXT,
            created_at  INTEGER NOT NULL
        );
        CREATE UNIQUE INDEX ledger_task_kind ON ledger(task_id, kind) WHERE task_id IS NOT NULL;
        CREATE INDEX ledger_account ON ledger(account_id);
        CREATE TABLE tasks (
            id                TEXT PRIMARY KEY,
            account_id        TEXT NOT NULL REFERENCES accounts(id),
            endpoint          TEXT NOT NULL,
            client_id         TEXT NOT NULL,
            status            TEXT NOT NULL CHECK (status IN ('QUEUED', 'RUNNING', 'SUCCESS', 'FAILED')),
            parameters        TEXT NOT NULL,
            price             INTEGER NOT NULL,
            error_code        TEXT NOT NULL DEFAULT '',
            error_message     TEXT NOT NULL DEFAULT '',
            results           TEXT,
            attempts          INTEGER NOT NULL DEFAULT 0,
            lease_owner       TEXT,
            lease_expires_at  INTEGER,
            created_at        INTEGER NOT NULL,
            started_at        INTEGER,
            finished_at       INTEGER
        );
        CREATE INDEX tasks_pending ON tasks(status, id) WHERE status IN ('QUEUED', 'RUNNING');
        CREATE INDEX tasks_account ON tasks(account_id, status);
        """,
        """
        -- Idempotency-Key of a submit: the task it created, for 24 hours, so a retried submit returns that task
        -- instead of charging again. The request hash tells a retry from a different request reusing the key.
        CREATE TABLE idempotency_keys (
            account_id    TEXT NOT NULL REFERENCES accounts(id),
            key           TEXT NOT NULL,
            request_hash  TEXT NOT NULL,
            task_id       TEXT NOT NULL REFERENCES tasks(id),
            created_at    INTEGER NOT NULL,
            PRIMARY KEY (account_id, key)
        );
        CREATE INDEX idempotency_keys_created ON idempotency_keys(created_at);
        """,
    ];

    public static void Migrate(SqliteConnection connection)
    {
        connection.Execute("PRAGMA journal_mode = WAL;");
        using var transaction = connection.BeginTransaction();
        connection.Execute("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)", transaction: transaction);
        var version = connection.ExecuteScalar<long?>("SELECT max(version) FROM schema_version", transaction: transaction) ?? 0;
        for (var step = (int)version; step < Steps.Length; step++)
        {
            connection.Execute(Steps[step], transaction: transaction);
            connection.Execute("INSERT INTO schema_version (version) VALUES (@v)", new { v = step + 1 }, transaction);
        }
        transaction.Commit();
    }
}
