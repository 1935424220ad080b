using Dapper;
using Npgsql;
using RunHub.Accounts;
using RunHub.Data;
using RunHub.Tasks;

namespace RunHub.Tests.Data;

/// <summary>
/// Each account's queue row (<c>account_queues</c>), which every submit's transaction updates (its own statement on
/// SQLite, the trigger on <c>tasks</c> on PostgreSQL): on PostgreSQL that update must be a heap-only tuple (HOT) update, written in place on the row's page
/// with no new index entries, and the workers must still find the accounts with waiting tasks.
/// </summary>
public sealed class AccountQueueRowTests
{
    [PostgresFact]
    public async Task A_submit_updates_its_accounts_queue_row_in_place_on_PostgreSQL_with_no_new_index_entries()
    {
        using var store = new TestStore(StoreKind.Postgres);
        // One connection, so every statement runs in one backend, whose table statistics the test flushes itself.
        using var database = new PostgresDatabase(new NpgsqlConnectionStringBuilder(store.ConnectionString) { MaxPoolSize = 1 }.ToString());
        await using var node = new Node(database);
        var account = await node.Accounts.CreateAsync("in place", Money.FromDecimal(1m));

        for (var i = 0; i < 10; i++) Assert.Equal(SubmitOutcome.Created, (await node.SubmitAsync(account.AccountId, Money.FromDecimal(0.01m))).Outcome);

        await using var db = await database.OpenAsync();
        await db.ExecuteAsync("SELECT pg_stat_force_next_flush()");
        var (updated, inPlace) = await db.QuerySingleAsync<(long, long)>(
            "SELECT n_tup_upd, n_tup_hot_upd FROM pg_stat_user_tables WHERE relid = 'account_queues'::regclass");
        // The first submit inserted the row; the nine others updated it.
        Assert.Equal(9, updated);
        Assert.Equal(updated, inPlace);
    }

    [Theory, SqliteStore, PostgresStore]
    public async Task Workers_take_the_accounts_with_waiting_tasks_in_turn_and_skip_those_whose_queue_emptied(StoreKind kind)
    {
        using var store = new TestStore(kind);
        await using var node = new Node(store.Database);
        var idle = await node.Accounts.CreateAsync("idle", Money.FromDecimal(1m));
        var busy = await node.Accounts.CreateAsync("busy", Money.FromDecimal(1m));
        var other = await node.Accounts.CreateAsync("other", Money.FromDecimal(1m));

        // The idle account's one task runs and ends: its queue row stays, with nothing waiting.
        await node.SubmitAsync(idle.AccountId, Money.FromDecimal(0.01m));
        var only = (await node.Queue.ClaimAsync("node", TimeSpan.FromMinutes(5)))!;
        Assert.Equal(idle.AccountId, only.Task.AccountId);
        Assert.Equal(TaskStatuses.Success, await only.FinishAsync(new RunOutcome.Succeeded("[]", null)));
        for (var i = 0; i < 2; i++) await node.SubmitAsync(busy.AccountId, Money.FromDecimal(0.01m));
        await node.SubmitAsync(other.AccountId, Money.FromDecimal(0.01m));

        var claimed = new List<string>();
        while (await node.Queue.ClaimAsync("node", TimeSpan.FromMinutes(5)) is { } lease) claimed.Add(lease.Task.AccountId);

        Assert.Equal([busy.AccountId, other.AccountId, busy.AccountId], claimed);
    }

    [Theory, SqliteStore, PostgresStore]
    public async Task An_accounts_queue_row_counts_exactly_its_waiting_and_running_tasks_when_refused_submits_share_a_batch(StoreKind kind)
    {
        using var store = new TestStore(kind);
        await using var node = new Node(store.Database);
        var rich = await node.Accounts.CreateAsync("rich", Money.FromDecimal(1m));
        var poor = await node.Accounts.CreateAsync("poor", Money.FromDecimal(0.03m));

        // Submitted at once, so on SQLite they share group commits: the refused ones roll their batch back, and the
        // batch runs again with a savepoint per submit, counting each created task once.
        var price = Money.FromDecimal(0.01m);
        var outcomes = await Task.WhenAll(Enumerable.Range(0, 40).Select(i => node.SubmitAsync(i % 2 == 0 ? rich.AccountId : poor.AccountId, price)));
        Assert.Equal(17, outcomes.Count(o => o.Outcome == SubmitOutcome.InsufficientBalance));
        await AssertCountsMatchTasksAsync(store);

        var lease = (await node.Queue.ClaimAsync("node", TimeSpan.FromMinutes(5)))!;
        await AssertCountsMatchTasksAsync(store);
        await lease.FinishAsync(new RunOutcome.Succeeded("[]", null));
        var cancelled = outcomes.First(o => o.Task?.AccountId == poor.AccountId && o.Task.Id != lease.Task.Id).Task!;
        Assert.Equal(CancelOutcome.Cancelled, (await new TaskCancellation(store.Database, new RunHub.Files.LocalFileStore(Path.Combine(store.DataDir, "files")), TimeProvider.System).RequestAsync(poor.AccountId, cancelled.Id)).Outcome);
        await AssertCountsMatchTasksAsync(store);
    }

    private static async Task AssertCountsMatchTasksAsync(TestStore store)
    {
        await using var db = await store.Database.OpenAsync();
        var fromTasks = (await db.QueryAsync<(string, long, long)>(
                "SELECT account_id, sum(CASE WHEN status = 'QUEUED' THEN 1 ELSE 0 END), sum(CASE WHEN status = 'RUNNING' THEN 1 ELSE 0 END) " +
                "FROM tasks GROUP BY account_id ORDER BY account_id"))
            .ToList();
        var counted = (await db.QueryAsync<(string, long, long)>(
                "SELECT account_id, queued, running FROM account_queues WHERE account_id IN (SELECT account_id FROM tasks) ORDER BY account_id"))
            .ToList();
        Assert.Equal(fromTasks, counted);
    }
}
