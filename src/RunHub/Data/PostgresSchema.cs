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
        -- The web console: the tables, columns and indexes of SQLite's step 4 (PostgreSQL alters the ledger in place).
        CREATE TABLE users (
            id               TEXT PRIMARY KEY,
            account_id       TEXT NOT NULL REFERENCES accounts(id),
            email            TEXT NOT NULL,
            password_hash    TEXT NOT NULL,
            is_operator      BIGINT NOT NULL DEFAULT 0,
            security_stamp   TEXT NOT NULL,
            totp_secret      TEXT,
            recovery_codes   TEXT,
            totp_last_step   BIGINT,
            failed_sign_ins  BIGINT NOT NULL DEFAULT 0,
            locked_until     BIGINT,
            disabled_at      BIGINT,
            created_at       BIGINT NOT NULL,
            last_sign_in_at  BIGINT
        );
        CREATE UNIQUE INDEX users_email ON users(email);
        CREATE INDEX users_account ON users(account_id);
        -- ASP.NET Core's data protection keys (they sign the console's cookies and forms), shared by every node.
        CREATE TABLE data_protection_keys (
            name        TEXT PRIMARY KEY,
            xml         TEXT NOT NULL,
            created_at  BIGINT NOT NULL
        );
        ALTER TABLE accounts ADD COLUMN disabled_at BIGINT;
        ALTER TABLE api_keys ADD COLUMN name TEXT, ADD COLUMN last_used_at BIGINT;
        CREATE TABLE topup_codes (
            code_hash    TEXT PRIMARY KEY,
            batch_id     TEXT NOT NULL,
            code_hint    TEXT NOT NULL,
            amount       BIGINT NOT NULL CHECK (amount > 0),
            expires_at   BIGINT,
            created_by   TEXT NOT NULL,
            created_at   BIGINT NOT NULL,
            redeemed_at  BIGINT,
            redeemed_by  TEXT REFERENCES accounts(id)
        );
        CREATE INDEX topup_codes_batch ON topup_codes(batch_id);
        CREATE TABLE operator_actions (
            id          BIGSERIAL PRIMARY KEY,
            user_id     TEXT NOT NULL,
            email       TEXT NOT NULL,
            action      TEXT NOT NULL,
            target      TEXT NOT NULL,
            note        TEXT NOT NULL,
            created_at  BIGINT NOT NULL
        );
        CREATE TABLE daily_spending (
            account_id  TEXT NOT NULL REFERENCES accounts(id),
            day         BIGINT NOT NULL,
            amount      BIGINT NOT NULL,
            PRIMARY KEY (account_id, day)
        );
        INSERT INTO daily_spending (account_id, day, amount)
        SELECT account_id, created_at / 86400000, -sum(held) FROM ledger WHERE kind = 'settle' GROUP BY account_id, created_at / 86400000;
        ALTER TABLE ledger DROP CONSTRAINT ledger_kind_check;
        ALTER TABLE ledger ADD CONSTRAINT ledger_kind_check CHECK (kind IN ('topup', 'reserve', 'release', 'settle', 'adjust'));
        DROP INDEX ledger_account;
        CREATE INDEX ledger_account ON ledger(account_id, id);
        DROP INDEX tasks_account;
        CREATE INDEX tasks_account ON tasks(account_id, status, id);
        CREATE INDEX tasks_account_id ON tasks(account_id, id);
        CREATE INDEX tasks_account_endpoint ON tasks(account_id, endpoint, id);
        """,
        """
        -- Tracing: the W3C traceparent of the submit request, so a task's runs on any node continue its trace.
        ALTER TABLE tasks ADD COLUMN trace_parent TEXT;
        """,
        """
        -- The claim's fencing token (SQLite's step 6).
        ALTER TABLE tasks ADD COLUMN lease_token TEXT;
        """,
        """
        -- What each account's failed input fetches cost (SQLite's step 7).
        CREATE TABLE input_fetch_failures (
            id          BIGSERIAL PRIMARY KEY,
            account_id  TEXT NOT NULL REFERENCES accounts(id),
            task_id     TEXT NOT NULL,
            fetch_ms    BIGINT NOT NULL,
            bytes       BIGINT NOT NULL,
            reason      TEXT NOT NULL,
            created_at  BIGINT NOT NULL
        );
        CREATE INDEX input_fetch_failures_account ON input_fetch_failures(account_id, created_at);
        """,
        """
        -- Tasks billed by run time (workflows): the charge settled, the backend's run time, a failed node's report.
        ALTER TABLE tasks
            ADD COLUMN charged  BIGINT,
            ADD COLUMN cost_ms  BIGINT,
            ADD COLUMN failure  TEXT;
        """,
        """
        -- Webhooks (SQLite's step 9).
        ALTER TABLE tasks
            ADD COLUMN webhook_url  TEXT,
            ADD COLUMN base_url     TEXT,
            ADD COLUMN key_hash     TEXT;
        ALTER TABLE accounts
            ADD COLUMN webhook_secret            TEXT,
            ADD COLUMN webhook_secret_old        TEXT,
            ADD COLUMN webhook_secret_old_until  BIGINT;
        CREATE TABLE webhook_deliveries (
            id                TEXT PRIMARY KEY,
            task_id           TEXT NOT NULL REFERENCES tasks(id),
            account_id        TEXT NOT NULL REFERENCES accounts(id),
            url               TEXT NOT NULL,
            status            TEXT NOT NULL CHECK (status IN ('PENDING', 'SUCCESS', 'FAILED')),
            attempts          BIGINT NOT NULL DEFAULT 0,
            next_attempt_at   BIGINT,
            lease_token       TEXT,
            response_status   BIGINT,
            response          TEXT,
            created_at        BIGINT NOT NULL,
            updated_at        BIGINT NOT NULL
        );
        CREATE INDEX webhook_deliveries_due ON webhook_deliveries(next_attempt_at) WHERE status = 'PENDING';
        CREATE INDEX webhook_deliveries_task ON webhook_deliveries(task_id);
        CREATE INDEX webhook_deliveries_account ON webhook_deliveries(account_id, id);
        """,
        """
        -- Retention and the maintenance lease (as in SQLite's schema).
        ALTER TABLE tasks ADD COLUMN files_expired_at BIGINT;
        ALTER TABLE accounts ADD COLUMN retention_ms BIGINT CHECK (retention_ms > 0);
        CREATE INDEX tasks_files_kept ON tasks(finished_at) WHERE status = 'SUCCESS' AND files_expired_at IS NULL;
        CREATE TABLE uploads (
            key          TEXT PRIMARY KEY,
            account_id   TEXT NOT NULL REFERENCES accounts(id),
            created_at   BIGINT NOT NULL,
            expires_at   BIGINT NOT NULL
        );
        CREATE INDEX uploads_expiry ON uploads(expires_at);
        CREATE TABLE maintenance_leases (
            name         TEXT PRIMARY KEY,
            owner        TEXT NOT NULL,
            held_until   BIGINT NOT NULL
        );
        INSERT INTO maintenance_leases (name, owner, held_until) VALUES ('maintenance', '', 0);
        """,
        """
        -- Each account's share of the queue, as in SQLite's schema (the counting trigger in PL/pgSQL).
        CREATE TABLE account_queues (
            account_id  TEXT PRIMARY KEY REFERENCES accounts(id),
            queued      BIGINT NOT NULL DEFAULT 0,
            running     BIGINT NOT NULL DEFAULT 0,
            served_seq  BIGINT NOT NULL DEFAULT 0
        );
        CREATE INDEX account_queues_waiting ON account_queues(served_seq, account_id) WHERE queued > 0;
        CREATE INDEX account_queues_served ON account_queues(served_seq);
        INSERT INTO account_queues (account_id, queued, running)
        SELECT account_id, count(*) FILTER (WHERE status = 'QUEUED'), count(*) FILTER (WHERE status = 'RUNNING')
        FROM tasks WHERE status IN ('QUEUED', 'RUNNING') GROUP BY account_id;
        -- Statement-level, over the statement's changed rows: one write per account however many of its tasks a
        -- statement changes (a row-level trigger would update one row thousands of times in one transaction).
        CREATE FUNCTION runhub_count_queue() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            IF TG_OP = 'INSERT' THEN
                INSERT INTO account_queues AS q (account_id, queued, running)
                SELECT account_id, count(*) FILTER (WHERE status = 'QUEUED'), count(*) FILTER (WHERE status = 'RUNNING')
                FROM new_rows WHERE status IN ('QUEUED', 'RUNNING') GROUP BY account_id ORDER BY account_id
                ON CONFLICT (account_id) DO UPDATE SET queued = q.queued + excluded.queued, running = q.running + excluded.running;
            ELSIF TG_OP = 'DELETE' THEN
                UPDATE account_queues q SET queued = q.queued - d.queued, running = q.running - d.running
                FROM (SELECT account_id, count(*) FILTER (WHERE status = 'QUEUED') AS queued, count(*) FILTER (WHERE status = 'RUNNING') AS running
                      FROM old_rows WHERE status IN ('QUEUED', 'RUNNING') GROUP BY account_id) d
                WHERE q.account_id = d.account_id;
            ELSE
                INSERT INTO account_queues AS q (account_id, queued, running)
                SELECT n.account_id,
                    sum(CASE WHEN n.status = 'QUEUED' THEN 1 ELSE 0 END - CASE WHEN o.status = 'QUEUED' THEN 1 ELSE 0 END),
                    sum(CASE WHEN n.status = 'RUNNING' THEN 1 ELSE 0 END - CASE WHEN o.status = 'RUNNING' THEN 1 ELSE 0 END)
                FROM new_rows n JOIN old_rows o ON o.id = n.id
                WHERE n.status <> o.status AND (n.status IN ('QUEUED', 'RUNNING') OR o.status IN ('QUEUED', 'RUNNING'))
                GROUP BY n.account_id ORDER BY n.account_id
                ON CONFLICT (account_id) DO UPDATE SET queued = q.queued + excluded.queued, running = q.running + excluded.running;
            END IF;
            RETURN NULL;
        END $$;
        CREATE TRIGGER tasks_queue_insert AFTER INSERT ON tasks REFERENCING NEW TABLE AS new_rows
            FOR EACH STATEMENT EXECUTE FUNCTION runhub_count_queue();
        CREATE TRIGGER tasks_queue_update AFTER UPDATE ON tasks REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
            FOR EACH STATEMENT EXECUTE FUNCTION runhub_count_queue();
        CREATE TRIGGER tasks_queue_delete AFTER DELETE ON tasks REFERENCING OLD TABLE AS old_rows
            FOR EACH STATEMENT EXECUTE FUNCTION runhub_count_queue();
        """,
        """
        -- Each key's own options, the capped keys' charges and the request windows, as in SQLite's schema.
        ALTER TABLE api_keys
            ADD COLUMN requests_per_minute  BIGINT,
            ADD COLUMN spend_cap            BIGINT,
            ADD COLUMN spent                BIGINT NOT NULL DEFAULT 0,
            ADD COLUMN expires_at           BIGINT,
            ADD COLUMN allowed_models       TEXT;
        CREATE TABLE key_charges (
            task_id   TEXT PRIMARY KEY REFERENCES tasks(id),
            key_hash  TEXT NOT NULL
        );
        CREATE TABLE rate_windows (
            key_hash      TEXT NOT NULL,
            window_start  BIGINT NOT NULL,
            used          BIGINT NOT NULL,
            PRIMARY KEY (key_hash, window_start)
        );
        """,
        """
        -- An account's own queue limits, as in SQLite's schema.
        ALTER TABLE accounts
            ADD COLUMN max_running  BIGINT CHECK (max_running >= 0),
            ADD COLUMN max_queued   BIGINT CHECK (max_queued >= 0);
        """,
        """
        -- Whether a task's price counts against its key's spend cap, on the task's own row, as in SQLite's schema.
        ALTER TABLE tasks ADD COLUMN key_charged INTEGER NOT NULL DEFAULT 0;
        UPDATE tasks SET key_charged = 1 WHERE id IN (SELECT task_id FROM key_charges);
        DROP TABLE key_charges;
        """,
        """
        -- The account's queue row updated in place (HOT) by every submit: an index whose predicate names a column an
        -- update changes ("WHERE queued > 0") made every count change a new row version with new entries in both
        -- indexes. The waiting index's predicate now names a stored flag that changes only when the account's queue
        -- empties or stops being empty; the free space left on each page keeps the new versions on the row's page.
        ALTER TABLE account_queues SET (fillfactor = 50);
        ALTER TABLE account_queues ADD COLUMN waiting BOOLEAN GENERATED ALWAYS AS (queued > 0) STORED;
        DROP INDEX account_queues_waiting;
        CREATE INDEX account_queues_waiting ON account_queues(served_seq, account_id) WHERE waiting;
        """,
        """
        -- The inline (data:) inputs of tasks, as in SQLite's schema: bytes in content, or null for a file under key.
        CREATE TABLE task_inputs (
            key         TEXT PRIMARY KEY,
            task_id     TEXT NOT NULL,
            created_at  BIGINT NOT NULL,
            content     BYTEA
        );
        CREATE INDEX task_inputs_created ON task_inputs(created_at);
        """,
        """
        -- Nothing here: SQLite's step drops its trigger that counts inserted tasks, and PostgreSQL keeps its own, which
        -- costs a submit no round trip and which an older node still running during an upgrade relies on
        -- (SqlDialect.CountQueuedInsert).
        SELECT 1;
        """,
        """
        -- Nothing here: SQLite's step rewrites its CHECKs without IN lists and drops the ledger's AUTOINCREMENT, costs that
        -- PostgreSQL's plans do not have (a constant IN list is one array test; an identity column takes no extra write).
        SELECT 1;
        """,
        """
        -- Two indexes a submit wrote and nothing needs (docs/performance.md): an account's tasks of every status are
        -- listed from tasks_account, a page of each status's range (TaskListing), so tasks_account_id goes; and inline
        -- inputs are found for expiry by their keys, which begin with their time (InlineInputs), so task_inputs_created
        -- goes. Each was a B-tree every submit changed, and its right-hand end a page or two of every commit's WAL.
        DROP INDEX tasks_account_id;
        DROP INDEX task_inputs_created;
        """,
        """
        -- The index of unfinished tasks holds only RUNNING ones (docs/performance.md): a submit's QUEUED task no longer
        -- goes into it, and a claim adds one entry instead of moving one. It serves the lapsed-lease claim; the queued
        -- tasks are found through account_queues' waiting accounts and each one's range of tasks_account (the queue
        -- gauges, the start deadline).
        DROP INDEX tasks_pending;
        CREATE INDEX tasks_running ON tasks(id) WHERE status = 'RUNNING';
        """,
        """
        -- Console sessions ended by "Sign out" (docs/console.md): a session cookie carrying one of these ids is refused,
        -- though its user's security stamp is unchanged. A row is kept as long as the longest session could last, then
        -- deleted at a later sign-out (ConsoleSessions).
        CREATE TABLE ended_sessions (
            id        TEXT PRIMARY KEY,
            ended_at  BIGINT NOT NULL
        );
        """,
        """
        -- Upload storage per account (docs/limits.md): each upload's size in bytes, so an account's uploads kept now
        -- are summed (by account, among the unexpired) before another is stored; and an account's own cap in MB over
        -- the server's RunHub:Limits:MaxUploadMbPerAccount (NULL: the server's; 0: none). Uploads from before this
        -- step count as 0 bytes until they expire.
        ALTER TABLE uploads ADD COLUMN size BIGINT NOT NULL DEFAULT 0;
        CREATE INDEX uploads_account ON uploads(account_id, expires_at);
        ALTER TABLE accounts ADD COLUMN max_upload_mb BIGINT CHECK (max_upload_mb >= 0);
        """,
        """
        -- Wrong passwords of the console's sign-in, counted per email whether or not a user has it (PasswordFailures), so
        -- the form's answers and its lockout are the same for an unregistered email as for a registered one whose
        -- password the caller does not know: users.failed_sign_ins would lock only registered ones, and so tell them
        -- apart. The key is the SHA-256 (hex) of the normalised email, so mistyped and unregistered emails are not kept
        -- in clear. A row is forgotten LockoutMinutes after its last wrong password, at a later one (last_failed).
        CREATE TABLE sign_in_failures (
            email_hash      TEXT PRIMARY KEY,
            failures        BIGINT NOT NULL,
            last_failed_at  BIGINT NOT NULL,
            locked_until    BIGINT
        );
        CREATE INDEX sign_in_failures_last_failed ON sign_in_failures(last_failed_at);
        """,
    ];

    /// <summary>How many steps there are; the SQLite schema must have as many (a test holds the two in step).</summary>
    public static int StepCount => Steps.Length;

    /// <summary>Brings the schema up to date in one transaction, under a lock other nodes wait on; the steps it was at and is at.</summary>
    /// <exception cref="StoreUnavailableException">The database is at a newer step than this node knows, or a step failed
    /// (<see cref="SchemaMigration.StepFailed"/>; nothing was changed).</exception>
    public static SchemaMigration Migrate(DbConnection db)
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
            try
            {
                db.Execute(Steps[step], transaction: tx);
            }
            catch (Npgsql.PostgresException e)
            {
                throw new StoreUnavailableException(SchemaMigration.StepFailed(step + 1, (int)version, e.MessageText), e);
            }
            db.Execute("INSERT INTO schema_version (version) VALUES (@v)", new { v = (long)step + 1 }, tx);
        }
        tx.Commit();
        return new SchemaMigration((int)version, Steps.Length);
    }
}
