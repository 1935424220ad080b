using Dapper;
using Npgsql;
using RunHub.Accounts;
using RunHub.Data;
using RunHub.Tasks;

namespace RunHub.Tests.Data;

/// <summary>
/// Each account's queue row (<c>account_queues</c>), which the trigger on <c>tasks</c> updates in every submit's
/// transaction: on PostgreSQL that update must be a heap-only tuple (HOT) update, written in place on the row's page
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
}
