using Dapper;
using Microsoft.Data.Sqlite;

namespace RunHub.Data;

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
        """
        -- Engine dispatch (docs/engines.md). status may be CANCEL, RunningHub's word for a cancelled task; SQLite
        -- cannot alter a CHECK, so the table is rebuilt (Migrate turns reference checks off around it and verifies
        -- them before committing). New columns: available_at (a task handed back because its backends were busy
        -- is not claimed before then), cancel_requested_at (a running task's worker stops it when it sees this),
        -- progress (the engine's last report, JSON), prompt_tips (the backend's validation report, JSON) and
        -- backend_usage (what the backend said it used, its own JSON).
        CREATE TABLE tasks_rebuilt (
            id                   TEXT PRIMARY KEY,
            account_id           TEXT NOT NULL REFERENCES accounts(id),
            endpoint             TEXT NOT NULL,
            client_id            TEXT NOT NULL,
            status               TEXT NOT NULL CHECK (status IN ('QUEUED', 'RUNNING', 'SUCCESS', 'FAILED', 'CANCEL')),
            parameters           TEXT NOT NULL,
            price                INTEGER NOT NULL,
            error_code           TEXT NOT NULL DEFAULT '',
            error_message        TEXT NOT NULL DEFAULT '',
            results              TEXT,
            attempts             INTEGER NOT NULL DEFAULT 0,
            lease_owner          TEXT,
            lease_expires_at     INTEGER,
            created_at           INTEGER NOT NULL,
            started_at           INTEGER,
            finished_at          INTEGER,
            available_at         INTEGER,
            cancel_requested_at  INTEGER,
            progress             TEXT,
            prompt_tips          TEXT,
            backend_usage        TEXT
        );
        INSERT INTO tasks_rebuilt (id, account_id, endpoint, client_id, status, parameters, price, error_code, error_message,
            results, attempts, lease_owner, lease_expires_at, created_at, started_at, finished_at)
        SELECT id, account_id, endpoint, client_id, status, parameters, price, error_code, error_message,
            results, attempts, lease_owner, lease_expires_at, created_at, started_at, finished_at FROM tasks;
        DROP TABLE tasks;
        ALTER TABLE tasks_rebuilt RENAME TO tasks;
        CREATE INDEX tasks_pending ON tasks(status, id) WHERE status IN ('QUEUED', 'RUNNING');
        CREATE INDEX tasks_account ON tasks(account_id, status);
        """,
        """
        -- The web console (docs/console.md). Users sign in to an account (one account, many users); an operator is
        -- a user with is_operator. security_stamp changes on a password change and on "sign out everywhere", which
        -- ends every session signed with the old one. totp_secret is set while two-factor sign-in is on;
        -- recovery_codes is a JSON array of the SHA-256 hashes of the unused ones.
        CREATE TABLE users (
            id               TEXT PRIMARY KEY,
            account_id       TEXT NOT NULL REFERENCES accounts(id),
            email            TEXT NOT NULL,
            password_hash    TEXT NOT NULL,
            is_operator      INTEGER NOT NULL DEFAULT 0,
            security_stamp   TEXT NOT NULL,
            totp_secret      TEXT,
            recovery_codes   TEXT,
            totp_last_step   INTEGER,
            failed_sign_ins  INTEGER NOT NULL DEFAULT 0,
            locked_until     INTEGER,
            disabled_at      INTEGER,
            created_at       INTEGER NOT NULL,
            last_sign_in_at  INTEGER
        );
        CREATE UNIQUE INDEX users_email ON users(email);
        CREATE INDEX users_account ON users(account_id);
        -- ASP.NET Core's data protection keys (they sign the console's cookies and forms), shared by every node.
        CREATE TABLE data_protection_keys (
            name        TEXT PRIMARY KEY,
            xml         TEXT NOT NULL,
            created_at  INTEGER NOT NULL
        );
        ALTER TABLE accounts ADD COLUMN disabled_at INTEGER;
        ALTER TABLE api_keys ADD COLUMN name TEXT;
        ALTER TABLE api_keys ADD COLUMN last_used_at INTEGER;
        -- Top-up codes: only a hash is stored; single use (redeemed_at set once, in the transaction of the top-up).
        CREATE TABLE topup_codes (
            code_hash    TEXT PRIMARY KEY,
            batch_id     TEXT NOT NULL,
            code_hint    TEXT NOT NULL,
            amount       INTEGER NOT NULL CHECK (amount > 0),
            expires_at   INTEGER,
            created_by   TEXT NOT NULL,
            created_at   INTEGER NOT NULL,
            redeemed_at  INTEGER,
            redeemed_by  TEXT REFERENCES accounts(id)
        );
        CREATE INDEX topup_codes_batch ON topup_codes(batch_id);
        -- What operators did, who and why.
        CREATE TABLE operator_actions (
            id          INTEGER PRIMARY KEY AUTOINCREMENT,
            user_id     TEXT NOT NULL,
            email       TEXT NOT NULL,
            action      TEXT NOT NULL,
            target      TEXT NOT NULL,
            note        TEXT NOT NULL,
            created_at  INTEGER NOT NULL
        );
        -- Settled charges per account and UTC day (day = created_at / 86400000), kept in step with the ledger's
        -- settle rows, so the console's spending chart reads 30 rows instead of a month of ledger.
        CREATE TABLE daily_spending (
            account_id  TEXT NOT NULL REFERENCES accounts(id),
            day         INTEGER NOT NULL,
            amount      INTEGER NOT NULL,
            PRIMARY KEY (account_id, day)
        );
        INSERT INTO daily_spending (account_id, day, amount)
        SELECT account_id, created_at / 86400000, -sum(held) FROM ledger WHERE kind = 'settle' GROUP BY account_id, created_at / 86400000;
        -- The ledger gains 'adjust' (an operator's correction, either sign). Rebuilt: SQLite cannot alter a CHECK.
        CREATE TABLE ledger_rebuilt (
            id          INTEGER PRIMARY KEY AUTOINCREMENT,
            account_id  TEXT NOT NULL REFERENCES accounts(id),
            task_id     TEXT,
            kind        TEXT NOT NULL CHECK (kind IN ('topup', 'reserve', 'release', 'settle', 'adjust')),
            amount      INTEGER NOT NULL,
            held        INTEGER NOT NULL DEFAULT 0,
            note        TEXT,
            created_at  INTEGER NOT NULL
        );
        INSERT INTO ledger_rebuilt (id, account_id, task_id, kind, amount, held, note, created_at)
        SELECT id, account_id, task_id, kind, amount, held, note, created_at FROM ledger;
        DROP TABLE ledger;
        ALTER TABLE ledger_rebuilt RENAME TO ledger;
        CREATE UNIQUE INDEX ledger_task_kind ON ledger(task_id, kind) WHERE task_id IS NOT NULL;
        -- An account's lines newest first (rowid is id here).
        CREATE INDEX ledger_account ON ledger(account_id);
        -- An account's tasks newest first, filtered by model or status (ids are time-ordered), cursor paged.
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
        -- The token of the claim that holds a RUNNING task: every write of a run is fenced by it, so a run whose
        -- lease lapsed and was claimed again (even by another worker of the same process) can change nothing.
        ALTER TABLE tasks ADD COLUMN lease_token TEXT;
        """,
        """
        -- What each account's failed input fetches cost (FailedFetches): how long the fetch held a worker and the bytes
        -- it received. The task is refunded, so per-account limits count these instead.
        CREATE TABLE input_fetch_failures (
            id          INTEGER PRIMARY KEY AUTOINCREMENT,
            account_id  TEXT NOT NULL REFERENCES accounts(id),
            task_id     TEXT NOT NULL,
            fetch_ms    INTEGER NOT NULL,
            bytes       INTEGER NOT NULL,
            reason      TEXT NOT NULL,
            created_at  INTEGER NOT NULL
        );
        CREATE INDEX input_fetch_failures_account ON input_fetch_failures(account_id, created_at);
        """,
        """
        -- Tasks billed by run time (workflows): the charge settled (thousandths of CNY, at most the price reserved)
        -- and how long the backend worked on the task (ms). A failed node's report (JSON) for the workflow API's
        -- failedReason.
        ALTER TABLE tasks ADD COLUMN charged INTEGER;
        ALTER TABLE tasks ADD COLUMN cost_ms INTEGER;
        ALTER TABLE tasks ADD COLUMN failure TEXT;
        """,
        """
        -- Webhooks (docs/webhooks.md). A task keeps the webhook URL it was submitted with, the base URL its client
        -- reached RunHub by (for the result links the webhook carries), and the key that submitted it.
        ALTER TABLE tasks ADD COLUMN webhook_url TEXT;
        ALTER TABLE tasks ADD COLUMN base_url TEXT;
        ALTER TABLE tasks ADD COLUMN key_hash TEXT;
        -- An account's webhook signing secret (whsec_...), and the one it replaced, which still signs until old_until.
        ALTER TABLE accounts ADD COLUMN webhook_secret TEXT;
        ALTER TABLE accounts ADD COLUMN webhook_secret_old TEXT;
        ALTER TABLE accounts ADD COLUMN webhook_secret_old_until INTEGER;
        -- The outbox of webhook deliveries: written in the transaction that ends the task, sent by any node. A sender
        -- claims a due row by moving next_attempt_at past its send (the claim is its lease: a sender that dies leaves
        -- the row due again) under a token of its own that fences what it records.
        CREATE TABLE webhook_deliveries (
            id                TEXT PRIMARY KEY,
            task_id           TEXT NOT NULL REFERENCES tasks(id),
            account_id        TEXT NOT NULL REFERENCES accounts(id),
            url               TEXT NOT NULL,
            status            TEXT NOT NULL CHECK (status IN ('PENDING', 'SUCCESS', 'FAILED')),
            attempts          INTEGER NOT NULL DEFAULT 0,
            next_attempt_at   INTEGER,
            lease_token       TEXT,
            response_status   INTEGER,
            response          TEXT,
            created_at        INTEGER NOT NULL,
            updated_at        INTEGER NOT NULL
        );
        CREATE INDEX webhook_deliveries_due ON webhook_deliveries(next_attempt_at) WHERE status = 'PENDING';
        CREATE INDEX webhook_deliveries_task ON webhook_deliveries(task_id);
        CREATE INDEX webhook_deliveries_account ON webhook_deliveries(account_id, id);
        """,
        """
        -- Retention: when a successful task's result files were deleted (the row and its ledger lines stay), an
        -- account's own retention (NULL: the server's RunHub:Retention:Days), and the uploads with their expiry
        -- (content-addressed keys shared by whoever uploads the same bytes: the latest expiry wins).
        ALTER TABLE tasks ADD COLUMN files_expired_at INTEGER;
        ALTER TABLE accounts ADD COLUMN retention_ms INTEGER CHECK (retention_ms > 0);
        CREATE INDEX tasks_files_kept ON tasks(finished_at) WHERE status = 'SUCCESS' AND files_expired_at IS NULL;
        CREATE TABLE uploads (
            key          TEXT PRIMARY KEY,
            account_id   TEXT NOT NULL REFERENCES accounts(id),
            created_at   INTEGER NOT NULL,
            expires_at   INTEGER NOT NULL
        );
        CREATE INDEX uploads_expiry ON uploads(expires_at);
        -- The maintenance job's lease: the node holding it runs the sweeps; held_until is also when the next run is due.
        CREATE TABLE maintenance_leases (
            name         TEXT PRIMARY KEY,
            owner        TEXT NOT NULL,
            held_until   INTEGER NOT NULL
        );
        INSERT INTO maintenance_leases (name, owner, held_until) VALUES ('maintenance', '', 0);
        """,
        """
        -- Each account's share of the queue (docs/limits.md): its QUEUED and RUNNING tasks, kept by the triggers below
        -- in the transaction of every change, so the running limit and the queued limit read one row; and when a worker
        -- last took one of its tasks (served_seq, a claim counter), so workers take the accounts in turn.
        CREATE TABLE account_queues (
            account_id  TEXT PRIMARY KEY REFERENCES accounts(id),
            queued      INTEGER NOT NULL DEFAULT 0,
            running     INTEGER NOT NULL DEFAULT 0,
            served_seq  INTEGER NOT NULL DEFAULT 0
        );
        CREATE INDEX account_queues_waiting ON account_queues(served_seq, account_id) WHERE queued > 0;
        CREATE INDEX account_queues_served ON account_queues(served_seq);
        INSERT INTO account_queues (account_id, queued, running)
        SELECT account_id, sum(status = 'QUEUED'), sum(status = 'RUNNING') FROM tasks WHERE status IN ('QUEUED', 'RUNNING') GROUP BY account_id;
        CREATE TRIGGER tasks_queue_insert AFTER INSERT ON tasks BEGIN
            INSERT INTO account_queues (account_id, queued, running) VALUES (new.account_id, new.status = 'QUEUED', new.status = 'RUNNING')
            ON CONFLICT (account_id) DO UPDATE SET queued = queued + excluded.queued, running = running + excluded.running;
        END;
        CREATE TRIGGER tasks_queue_status AFTER UPDATE OF status ON tasks WHEN old.status <> new.status BEGIN
            UPDATE account_queues SET
                queued = queued - (old.status = 'QUEUED') + (new.status = 'QUEUED'),
                running = running - (old.status = 'RUNNING') + (new.status = 'RUNNING')
            WHERE account_id = new.account_id;
        END;
        CREATE TRIGGER tasks_queue_delete AFTER DELETE ON tasks WHEN old.status IN ('QUEUED', 'RUNNING') BEGIN
            UPDATE account_queues SET queued = queued - (old.status = 'QUEUED'), running = running - (old.status = 'RUNNING')
            WHERE account_id = old.account_id;
        END;
        """,
        """
        -- Each key's own options (docs/limits.md; runhub keys limits): requests per minute, a spend cap (thousandths of
        -- CNY) against what the key's tasks cost since it was set (spent), an expiry (Unix ms) and a model allow-list (a
        -- JSON array of endpoints). key_charges: which capped key reserved a task's price, so its release gives it back.
        ALTER TABLE api_keys ADD COLUMN requests_per_minute INTEGER;
        ALTER TABLE api_keys ADD COLUMN spend_cap INTEGER;
        ALTER TABLE api_keys ADD COLUMN spent INTEGER NOT NULL DEFAULT 0;
        ALTER TABLE api_keys ADD COLUMN expires_at INTEGER;
        ALTER TABLE api_keys ADD COLUMN allowed_models TEXT;
        CREATE TABLE key_charges (
            task_id   TEXT PRIMARY KEY REFERENCES tasks(id),
            key_hash  TEXT NOT NULL
        );
        -- Requests per key and minute (fixed windows), counted for every node: a node takes a share of a window at a time.
        CREATE TABLE rate_windows (
            key_hash      TEXT NOT NULL,
            window_start  INTEGER NOT NULL,
            used          INTEGER NOT NULL,
            PRIMARY KEY (key_hash, window_start)
        );
        """,
        """
        -- An account's own queue limits (docs/limits.md; runhub accounts limits): tasks it may run at once and tasks it
        -- may have waiting. NULL: the server's RunHub:Limits; 0: none for this account.
        ALTER TABLE accounts ADD COLUMN max_running INTEGER CHECK (max_running >= 0);
        ALTER TABLE accounts ADD COLUMN max_queued INTEGER CHECK (max_queued >= 0);
        """,
        """
        -- Whether a task's price counts against its key's spend cap (1) is kept on the task's own row, beside its
        -- key_hash, instead of a key_charges row: that row cost every capped submit two more pages in its commit
        -- (docs/performance.md). A release gives back to tasks.key_hash when key_charged is 1.
        ALTER TABLE tasks ADD COLUMN key_charged INTEGER NOT NULL DEFAULT 0;
        UPDATE tasks SET key_charged = 1 WHERE id IN (SELECT task_id FROM key_charges);
        DROP TABLE key_charges;
        """,
        """
        -- Whether the account has queued tasks, as PostgreSQL's step stores it for its waiting index (there so that the
        -- queue's updates stay in place); here computed when read, beside the index on queued > 0 that SQLite uses.
        ALTER TABLE account_queues ADD COLUMN waiting INTEGER GENERATED ALWAYS AS (queued > 0) VIRTUAL;
        """,
        """
        -- The inline (data:) inputs of tasks, written in the submit's own transaction: content holds a small input's
        -- bytes, served at /files/{key} and read by the workers; null marks a larger one stored as a file under key.
        -- Retention deletes both (and the file) once the task has ended and its account's retention has passed.
        CREATE TABLE task_inputs (
            key         TEXT PRIMARY KEY,
            task_id     TEXT NOT NULL,
            created_at  INTEGER NOT NULL,
            content     BLOB
        );
        CREATE INDEX task_inputs_created ON task_inputs(created_at);
        """,
        """
        -- A submit counts its new task in account_queues with a statement of its own (SqlDialect.CountQueuedInsert), the
        -- only insert of tasks there is: with a trigger on the insert SQLite kept a statement journal for every task, a
        -- copy of each page the insert changed (docs/performance.md). The triggers on a task's status change and delete
        -- stay.
        DROP TRIGGER tasks_queue_insert;
        """,
        """
        -- The same rules, cheaper to check on every write (docs/performance.md). SQLite compiles a list of more than two
        -- constants after IN into a table it builds in memory each time the statement runs, so every insert of a task or
        -- a ledger line, and every change of a task's status, built one (about 2.5 µs each on the submit's single
        -- writer): the CHECKs of tasks.status, ledger.kind and webhook_deliveries.status become comparisons joined by OR.
        -- And ledger ids lose AUTOINCREMENT, which read and wrote sqlite_sequence on every line (a page of every commit):
        -- lines are never deleted, so the next id is the largest plus one either way. Neither changes what is stored, so
        -- the tables' text is edited in place, as https://www.sqlite.org/lang_altertable.html#otheralter describes
        -- (MigrateSteps moves the schema cookie on, so every connection reads the new text).
        PRAGMA writable_schema = ON;
        UPDATE sqlite_schema SET sql = replace(sql,
            'CHECK (status IN (''QUEUED'', ''RUNNING'', ''SUCCESS'', ''FAILED'', ''CANCEL''))',
            'CHECK (status = ''QUEUED'' OR status = ''RUNNING'' OR status = ''SUCCESS'' OR status = ''FAILED'' OR status = ''CANCEL'')')
        WHERE type = 'table' AND name = 'tasks';
        UPDATE sqlite_schema SET sql = replace(replace(sql,
            'CHECK (kind IN (''topup'', ''reserve'', ''release'', ''settle'', ''adjust''))',
            'CHECK (kind = ''topup'' OR kind = ''reserve'' OR kind = ''release'' OR kind = ''settle'' OR kind = ''adjust'')'),
            'id          INTEGER PRIMARY KEY AUTOINCREMENT,', 'id          INTEGER PRIMARY KEY,')
        WHERE type = 'table' AND name = 'ledger';
        UPDATE sqlite_schema SET sql = replace(sql,
            'CHECK (status IN (''PENDING'', ''SUCCESS'', ''FAILED''))',
            'CHECK (status = ''PENDING'' OR status = ''SUCCESS'' OR status = ''FAILED'')')
        WHERE type = 'table' AND name = 'webhook_deliveries';
        PRAGMA writable_schema = OFF;
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
            ended_at  INTEGER NOT NULL
        );
        """,
        """
        -- Upload storage per account (docs/limits.md): each upload's size in bytes, so an account's uploads kept now
        -- are summed (by account, among the unexpired) before another is stored; and an account's own cap in MB over
        -- the server's RunHub:Limits:MaxUploadMbPerAccount (NULL: the server's; 0: none). Uploads from before this
        -- step count as 0 bytes until they expire.
        ALTER TABLE uploads ADD COLUMN size INTEGER NOT NULL DEFAULT 0;
        CREATE INDEX uploads_account ON uploads(account_id, expires_at);
        ALTER TABLE accounts ADD COLUMN max_upload_mb INTEGER CHECK (max_upload_mb >= 0);
        """,
        """
        -- Wrong passwords of the console's sign-in, counted per email whether or not a user has it (PasswordFailures), so
        -- the form's answers and its lockout are the same for an unregistered email as for a registered one whose
        -- password the caller does not know: users.failed_sign_ins would lock only registered ones, and so tell them
        -- apart. The key is the SHA-256 (hex) of the normalised email, so mistyped and unregistered emails are not kept
        -- in clear. A row is forgotten LockoutMinutes after its last wrong password, at a later one (last_failed).
        CREATE TABLE sign_in_failures (
            email_hash      TEXT PRIMARY KEY,
            failures        INTEGER NOT NULL,
            last_failed_at  INTEGER NOT NULL,
            locked_until    INTEGER
        );
        CREATE INDEX sign_in_failures_last_failed ON sign_in_failures(last_failed_at);
        """,
    ];

    /// <summary>Brings the schema up to date (or to <paramref name="upTo"/>) in one transaction; the steps it was at and is at.</summary>
    /// <param name="upTo">Apply steps up to this version only (tests of a migration start from an older schema).</param>
    /// <exception cref="StoreUnavailableException">The database is at a newer step than this program knows, or a step failed
    /// (<see cref="SchemaMigration.StepFailed"/>; nothing was changed).</exception>
    public static SchemaMigration Migrate(SqliteConnection connection, int upTo = int.MaxValue)
    {
        connection.Execute("PRAGMA journal_mode = WAL;");
        // A step that rebuilds a table other tables refer to must not have the drop cascade or fail on them; SQLite
        // only switches reference checks outside a transaction. They are verified before the commit instead.
        connection.Execute("PRAGMA foreign_keys = OFF;");
        try
        {
            return MigrateSteps(connection, Math.Min(upTo, Steps.Length));
        }
        finally
        {
            connection.Execute("PRAGMA foreign_keys = ON;");
        }
    }

    private static SchemaMigration MigrateSteps(SqliteConnection connection, int upTo)
    {
        using var transaction = connection.BeginTransaction();
        connection.Execute("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)", transaction: transaction);
        var version = connection.ExecuteScalar<long?>("SELECT max(version) FROM schema_version", transaction: transaction) ?? 0;
        // An older program on a newer database would write rows the newer schema does not expect (since step 17, tasks
        // its queue counts never see: the trigger that counted them is gone).
        if (version > Steps.Length)
            throw new StoreUnavailableException(
                $"the database schema is at step {version}, newer than this program knows ({Steps.Length}): upgrade RunHub");
        for (var step = (int)version; step < upTo; step++)
        {
            try
            {
                connection.Execute(Steps[step], transaction: transaction);
            }
            catch (SqliteException e)
            {
                // Said as what it is: not a folder the server cannot use, but a database whose schema is not what the step expects.
                throw new StoreUnavailableException(SchemaMigration.StepFailed(step + 1, (int)version, e.Message), e);
            }
            connection.Execute("INSERT INTO schema_version (version) VALUES (@v)", new { v = step + 1 }, transaction);
        }
        // A step that edits a table's text (writable_schema) leaves the schema cookie as it was; moving it on makes every
        // connection, this one included, read the schema again before its next statement.
        if (upTo > version)
        {
            var cookie = connection.ExecuteScalar<long>("PRAGMA schema_version", transaction: transaction);
            connection.Execute($"PRAGMA schema_version = {cookie + 1}", transaction: transaction);
        }
        var broken = connection.Query("PRAGMA foreign_key_check", transaction: transaction).Count();
        if (broken > 0) throw new InvalidOperationException($"schema migration left {broken} broken references; nothing was changed");
        transaction.Commit();
        return new SchemaMigration((int)version, Math.Max((int)version, upTo));
    }
}
