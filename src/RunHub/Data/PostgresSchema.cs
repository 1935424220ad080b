using System.Data.Common;
using Dapper;

namespace RunHub.Data;

/// <summary>
/// The PostgreSQL schema: the same numbered steps as <see cref="SqliteSchema"/> (step N here is step N there, in
/// PostgreSQL's types), applied in one transaction under an advisory lock, so nodes that start at once wait for
/// the first one's migration instead of racing it. DDL is transactional in PostgreSQL: a failed step changes nothing.
/// </summary>
internal static class PostgresSchema
{
    private static readonly string[] Steps =
    [
        """
        CREATE TABLE accounts (
            id          TEXT PRIMARY KEY,
            name        TEXT NOT NULL,
            balance     BIGINT NOT NULL DEFAULT 0 CHECK (balance >= 0),
            created_at  BIGINT NOT NULL
        );
        CREATE TABLE api_keys (
            key_hash    TEXT PRIMARY KEY,
            account_id  TEXT NOT NULL REFERENCES accounts(id),
            key_hint    TEXT NOT NULL,
            created_at  BIGINT NOT NULL,
            revoked_at  BIGINT
        );
        CREATE INDEX api_keys_account ON api_keys(account_id);
        CREATE TABLE ledger (
            id          BIGSERIAL PRIMARY KEY,
            account_id  TEXT NOT NULL REFERENCES accounts(id),
            task_id     TEXT,
            kind        TEXT NOT NULL CHECK (kind IN ('topup', 'reserve', 'release', 'settle')),
            amount      BIGINT NOT NULL,
            held        BIGINT NOT NULL DEFAULT 0,
            note        TEXT,
            created_at  BIGINT NOT NULL
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
            price             BIGINT NOT NULL,
            error_code        TEXT NOT NULL DEFAULT '',
            error_message     TEXT NOT NULL DEFAULT '',
            results           TEXT,
            attempts          BIGINT NOT NULL DEFAULT 0,
            lease_owner       TEXT,
            lease_expires_at  BIGINT,
            created_at        BIGINT NOT NULL,
            started_at        BIGINT,
            finished_at       BIGINT
        );
        CREATE INDEX tasks_pending ON tasks(status, id) WHERE status IN ('QUEUED', 'RUNNING');
        CREATE INDEX tasks_account ON tasks(account_id, status);
        """,
        """
        CREATE TABLE idempotency_keys (
            account_id    TEXT NOT NULL REFERENCES accounts(id),
            key           TEXT NOT NULL,
            request_hash  TEXT NOT NULL,
            task_id       TEXT NOT NULL REFERENCES tasks(id),
            created_at    BIGINT NOT NULL,
            PRIMARY KEY (account_id, key)
        );
        CREATE INDEX idempotency_keys_created ON idempotency_keys(created_at);
        """,
        """
        -- Engine dispatch: the CANCEL status and the columns of SQLite's step 3 (PostgreSQL alters in place).
        ALTER TABLE tasks DROP CONSTRAINT tasks_status_check;
        ALTER TABLE tasks ADD CONSTRAINT tasks_status_check CHECK (status IN ('QUEUED', 'RUNNING', 'SUCCESS', 'FAILED', 'CANCEL'));
        ALTER TABLE tasks
            ADD COLUMN available_at         BIGINT,
            ADD COLUMN cancel_requested_at  BIGINT,
            ADD COLUMN progress             TEXT,
            ADD COLUMN prompt_tips          TEXT,
            ADD COLUMN backend_usage        TEXT;
        """,
        """
        -- The claim's fencing token (SQLite's step 4).
        ALTER TABLE tasks ADD COLUMN lease_token TEXT;
        """,
    ];

    /// <summary>How many steps there are; the SQLite schema must have as many (a test holds the two in step).</summary>
    public static int StepCount => Steps.Length;

    public static void Migrate(DbConnection db)
    {
        using var tx = db.BeginTransaction();
        // Two nodes creating schema_version at once would collide in PostgreSQL's catalog; the lock is taken first.
        db.Execute("SELECT pg_advisory_xact_lock(hashtextextended('runhub schema ' || current_schema(), 0))", transaction: tx);
        db.Execute("CREATE TABLE IF NOT EXISTS schema_version (version BIGINT NOT NULL)", transaction: tx);
        var version = db.ExecuteScalar<long?>("SELECT max(version) FROM schema_version", transaction: tx) ?? 0;
        if (version > Steps.Length)
            throw new StoreUnavailableException(
                $"the database schema is at step {version}, newer than this program knows ({Steps.Length}): upgrade this node");
        for (var step = (int)version; step < Steps.Length; step++)
        {
            db.Execute(Steps[step], transaction: tx);
            db.Execute("INSERT INTO schema_version (version) VALUES (@v)", new { v = (long)step + 1 }, tx);
        }
        tx.Commit();
    }
}
