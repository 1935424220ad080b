using System.Data.Common;
using Dapper;
using RunHub.Accounts;
using RunHub.Data;
using RunHub.Tasks;

namespace RunHub.Tests.Data;

public sealed class GroupCommitTests
{
    /// <summary>The store's database, with <paramref name="statements"/> (the tables a test writes) run first.</summary>
    private static Database Prepared(TestStore store, params string[] statements)
    {
        using (var db = store.Database.Open())
            foreach (var statement in statements) db.Execute(statement);
        return store.Database;
    }

    [Theory, SqliteStore, PostgresStore]
    public async Task Concurrent_operations_all_commit_and_one_that_throws_fails_alone(StoreKind kind)
    {
        using var store = new TestStore(kind);
        var database = Prepared(store, "CREATE TABLE items (n INTEGER PRIMARY KEY)");
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
        var database = Prepared(store, "CREATE TABLE notes (n INTEGER PRIMARY KEY, note TEXT)");
        await using var commits = new GroupCommit(database);

        // The same statement text many times on the group commit's kept connection: each run binds its own values.
        await Task.WhenAll(Enumerable.Range(1, 50).Select(n => commits.RunAsync((db, tx) =>
            db.ExecuteCompiledAsync(tx, "INSERT INTO notes (n, note) VALUES (@n, @note)", ("n", n), ("note", n % 2 == 0 ? $"even {n}" : null)))));

        using var check = database.Open();
        var rows = check.Query<(long N, string? Note)>("SELECT n, note FROM notes ORDER BY n").ToList();
        Assert.Equal(Enumerable.Range(1, 50).Select(n => (long)n), rows.Select(r => r.N));
        Assert.All(rows, r => Assert.Equal(r.N % 2 == 0 ? $"even {r.N}" : null, r.Note));
    }

    [Theory, SqliteStore, PostgresStore]
    public async Task Operations_refused_in_the_middle_of_a_batch_leave_nothing_and_the_others_commit_once_each(StoreKind kind)
    {
        using var store = new TestStore(kind);
        var database = Prepared(store, "CREATE TABLE items (n INTEGER PRIMARY KEY)",
            "CREATE TABLE totals (id INTEGER PRIMARY KEY, total INTEGER NOT NULL)", "INSERT INTO totals (id, total) VALUES (1, 0)");
        await using var commits = new GroupCommit(database);

        // Three batches: the first meets its refusals without savepoints, the next comes right after a refusal, the last
        // after enough refusal-free batches for the group commit to run without savepoints again. In each, operation 3
        // refuses after its writes and operation 7 is refused by the database (its second row breaks the key).
        long expectedTotal = 0;
        for (var round = 0; round < 3; round++)
        {
            if (round == 2)
                for (var i = 0; i < 40; i++) await commits.RunAsync((db, tx) => db.ExecuteCompiledAsync(tx, "UPDATE totals SET total = total WHERE id = 1"));
            var first = round * 100;
            var operations = await OneBatchAsync(commits, Enumerable.Range(first + 1, 9).Select(n => Work(n, refuses: n == first + 3, brokenByKey: n == first + 7)));

            var refused = await Assert.ThrowsAsync<InvalidOperationException>(() => operations[2]);
            Assert.Equal($"operation {first + 3} refuses", refused.Message);
            await Assert.ThrowsAnyAsync<DbException>(() => operations[6]);
            foreach (var (operation, i) in operations.Select((o, i) => (o, i)).Where(o => o.i is not (2 or 6)))
                Assert.Equal(first + 1 + i, await operation);

            expectedTotal += Enumerable.Range(first + 1, 9).Where(n => n != first + 3 && n != first + 7).Sum();
            using var check = database.Open();
            Assert.Equal(Enumerable.Range(first + 1, 9).Where(n => n != first + 3 && n != first + 7).Select(n => (long)n),
                check.Query<long>("SELECT n FROM items WHERE n > @first AND n < @last ORDER BY n", new { first, last = first + 100 }));
            Assert.Equal(expectedTotal, check.ExecuteScalar<long>("SELECT total FROM totals WHERE id = 1"));
        }

        static Func<DbConnection, DbTransaction, Task<int>> Work(int n, bool refuses, bool brokenByKey) => async (db, tx) =>
        {
            await db.ExecuteCompiledAsync(tx, "INSERT INTO items (n) VALUES (@n)", ("n", n));
            await db.ExecuteCompiledAsync(tx, "UPDATE totals SET total = total + @n WHERE id = 1", ("n", n));
            if (brokenByKey) await db.ExecuteCompiledAsync(tx, "INSERT INTO items (n) VALUES (@n)", ("n", n));
            if (refuses) throw new InvalidOperationException($"operation {n} refuses");
            return n;
        };
    }

    [Theory, SqliteStore, PostgresStore]
    public async Task An_operation_alone_in_its_batch_that_throws_leaves_nothing_and_the_next_commits(StoreKind kind)
    {
        using var store = new TestStore(kind);
        var database = Prepared(store, "CREATE TABLE items (n INTEGER PRIMARY KEY)");
        await using var commits = new GroupCommit(database);

        var refused = await Assert.ThrowsAsync<InvalidOperationException>(() => commits.RunAsync<int>(async (db, tx) =>
        {
            await db.ExecuteCompiledAsync(tx, "INSERT INTO items (n) VALUES (@n)", ("n", 1));
            throw new InvalidOperationException("refused alone");
        }));
        Assert.Equal("refused alone", refused.Message);
        await commits.RunAsync((db, tx) => db.ExecuteCompiledAsync(tx, "INSERT INTO items (n) VALUES (@n)", ("n", 2)));

        using var check = database.Open();
        Assert.Equal([2L], check.Query<long>("SELECT n FROM items ORDER BY n"));
    }

    [Fact]
    public async Task Submits_refused_for_their_balance_in_the_middle_of_a_batch_charge_nothing_and_the_others_are_charged_once()
    {
        using var store = new TestStore(StoreKind.Sqlite);
        await using var node = new Node(store.Database);
        var rich = await node.Accounts.CreateAsync("rich", Money.FromDecimal(10m));
        var poor = await node.Accounts.CreateAsync("poor", Money.FromDecimal(0.1m));
        var price = Money.FromDecimal(0.3m);

        // On SQLite a submit reaches the group commit's queue before SubmitAsync returns, so all six share one batch.
        var accounts = new[] { rich, rich, poor, rich, poor, rich };
        List<Task<SubmitResult>> submits = [];
        await OneBatchAsync(node.Commits, [], () => submits.AddRange(accounts.Select(a => node.SubmitAsync(a.AccountId, price))));
        var outcomes = await Task.WhenAll(submits);

        Assert.Equal([SubmitOutcome.Created, SubmitOutcome.Created, SubmitOutcome.InsufficientBalance, SubmitOutcome.Created,
            SubmitOutcome.InsufficientBalance, SubmitOutcome.Created], outcomes.Select(r => r.Outcome));
        Assert.Equal(Money.FromDecimal(8.8m), (await node.Accounts.FindAsync(rich.AccountId))!.Balance);
        Assert.Equal(Money.FromDecimal(0.1m), (await node.Accounts.FindAsync(poor.AccountId))!.Balance);
        using var db = store.Database.Open();
        Assert.Equal(4, db.ExecuteScalar<long>("SELECT count(*) FROM ledger WHERE account_id = @AccountId AND kind = 'reserve'", rich));
        Assert.Equal(0, db.ExecuteScalar<long>("SELECT count(*) FROM ledger WHERE account_id = @AccountId AND kind = 'reserve'", poor));
        Assert.Equal(outcomes.Where(r => r.Task is not null).Select(r => r.Task!.Id).Order(),
            db.Query<string>("SELECT id FROM tasks ORDER BY id"));
    }

    /// <summary>
    /// Runs <paramref name="works"/> (and whatever <paramref name="enqueue"/> queues) as one batch: they are queued while the
    /// group commit runs an operation of its own that waits for them, so they all join that operation's transaction.
    /// </summary>
    private static async Task<List<Task<int>>> OneBatchAsync(GroupCommit commits, IEnumerable<Func<DbConnection, DbTransaction, Task<int>>> works,
        Action? enqueue = null) => (await WhileHeldAsync(commits, works, enqueue)).Operations;

    /// <summary>
    /// Queues <paramref name="works"/> (and whatever <paramref name="enqueue"/> queues) while the group commit runs an
    /// operation of its own that waits for them and then runs <paramref name="held"/>, if given, in its transaction; the
    /// works' tasks, and that transaction, which the works queued in time join.
    /// </summary>
    private static async Task<(DbTransaction Held, List<Task<T>> Operations)> WhileHeldAsync<T>(GroupCommit commits,
        IEnumerable<Func<DbConnection, DbTransaction, Task<T>>> works, Action? enqueue = null, Func<DbConnection, DbTransaction, Task>? held = null)
    {
        var running = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var queued = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var holder = commits.RunAsync(async (db, tx) =>
        {
            running.TrySetResult();
            await queued.Task;
            if (held is not null) await held(db, tx);
            return tx;
        });
        await running.Task;
        var operations = works.Select(commits.RunAsync).ToList();
        enqueue?.Invoke();
        queued.SetResult();
        return (await holder, operations);
    }

    [Fact]
    public async Task Operations_queued_while_a_transaction_runs_join_it_and_commit_with_it()
    {
        using var store = new TestStore(StoreKind.Sqlite);
        var database = Prepared(store, "CREATE TABLE items (n INTEGER PRIMARY KEY)");
        await using var commits = new GroupCommit(database);

        // The first operation holds its transaction open until five more are queued: they run in that same transaction
        // (the same DbTransaction), so the six share one commit instead of the five waiting for it and then one of their own.
        var (transaction, joined) = await WhileHeldAsync(commits, Enumerable.Range(1, 5).Select(n =>
            (Func<DbConnection, DbTransaction, Task<DbTransaction>>)(async (db, tx) =>
            {
                await db.ExecuteCompiledAsync(tx, "INSERT INTO items (n) VALUES (@n)", ("n", n));
                return tx;
            })),
            held: (db, tx) => db.ExecuteCompiledAsync(tx, "INSERT INTO items (n) VALUES (@n)", ("n", 0)));

        foreach (var operation in joined) Assert.Same(transaction, await operation);
        using var check = database.Open();
        Assert.Equal(Enumerable.Range(0, 6).Select(n => (long)n), check.Query<long>("SELECT n FROM items ORDER BY n"));
    }

    [Fact]
    public async Task With_savepoints_operations_queued_while_a_transaction_runs_join_it_up_to_256_and_one_that_throws_fails_alone()
    {
        using var store = new TestStore(StoreKind.Sqlite);
        var database = Prepared(store, "CREATE TABLE items (n INTEGER PRIMARY KEY)");
        await using var commits = new GroupCommit(database);

        // A refusal in a batch of two: the batches after it run with a savepoint per operation.
        var refusedFirst = await OneBatchAsync(commits, [(_, _) => Task.FromException<int>(new InvalidOperationException("refused"))]);
        await Assert.ThrowsAsync<InvalidOperationException>(() => refusedFirst[0]);

        // One operation holds the next transaction open while 300 more are queued, the 150th of which refuses.
        var (transaction, operations) = await WhileHeldAsync(commits, Enumerable.Range(1, 300).Select(n =>
            (Func<DbConnection, DbTransaction, Task<DbTransaction>>)(async (db, tx) =>
            {
                await db.ExecuteCompiledAsync(tx, "INSERT INTO items (n) VALUES (@n)", ("n", n));
                if (n == 150) throw new InvalidOperationException("operation 150 refuses");
                return tx;
            })));

        // The first 255 join the held transaction (256 operations in all), the rest commit in a later one.
        var refused = await Assert.ThrowsAsync<InvalidOperationException>(() => operations[149]);
        Assert.Equal("operation 150 refuses", refused.Message);
        for (var i = 0; i < operations.Count; i++)
        {
            if (i == 149) continue;
            if (i < 255) Assert.Same(transaction, await operations[i]);
            else Assert.NotSame(transaction, await operations[i]);
        }
        using var check = database.Open();
        Assert.Equal(Enumerable.Range(1, 300).Where(n => n != 150).Select(n => (long)n), check.Query<long>("SELECT n FROM items ORDER BY n"));
    }

    [Fact]
    public async Task A_batch_that_breaks_its_connection_leaves_the_next_batch_a_working_one()
    {
        using var store = new TestStore(StoreKind.Sqlite);
        var database = Prepared(store, "CREATE TABLE items (n INTEGER PRIMARY KEY)");
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
