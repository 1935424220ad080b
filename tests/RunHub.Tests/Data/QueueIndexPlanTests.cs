using Dapper;
using RunHub.Accounts;
using RunHub.Data;
using RunHub.Observability;
using RunHub.Tasks;

namespace RunHub.Tests.Data;

/// <summary>
/// Since schema step 20 the index of unfinished tasks holds only RUNNING ones (<c>tasks_running</c>), so a submit writes
/// one B-tree fewer. The reads of queued tasks without an account go through the accounts that have some
/// (<c>account_queues</c>) and each one's range of <c>tasks_account</c>: none of them reads the whole tasks table, and
/// each still finds exactly the unfinished tasks among finished ones.
/// </summary>
public sealed class QueueIndexPlanTests
{
    [Theory]
    [InlineData(QueueGauges.Sql)]
    [InlineData(OverdueTasks.OverdueIds)]
    [InlineData(TaskQueue.LapsedId)]
    [InlineData(RunHub.Bench.Load.TaskWatcher.UnfinishedIds)]
    public async Task A_read_of_unfinished_tasks_reads_indexes_and_never_the_whole_tasks_table(string sql)
    {
        using var store = new TestStore(StoreKind.Sqlite);
        await using var db = store.Database.Open();

        AssertReadsNoWholeTasksTable(await PlanAsync(db, sql, new { now = 0L, cutoff = 0L, batchSize = 10 }));
    }

    [Fact]
    public async Task An_operators_listing_of_queued_tasks_reads_indexes_and_never_the_whole_tasks_table()
    {
        using var store = new TestStore(StoreKind.Sqlite);
        await using var db = store.Database.Open();

        var (sql, parameters) = TaskListing.Query(null, new TaskFilter(Status: TaskStatuses.Queued), 10);

        AssertReadsNoWholeTasksTable(await PlanAsync(db, sql, parameters));
    }

    /// <summary>A scan of tasks (its table or a whole index of it) reads every task; only the running tasks' own index may be scanned.</summary>
    private static void AssertReadsNoWholeTasksTable(List<string> plan)
    {
        Assert.NotEmpty(plan);
        Assert.DoesNotContain(plan, step => (step.StartsWith("SCAN tasks", StringComparison.Ordinal) || step.StartsWith("SCAN t ", StringComparison.Ordinal)
            || step == "SCAN t") && !step.Contains("tasks_running", StringComparison.Ordinal));
    }

    [Fact]
    public void A_submit_writes_no_index_of_unfinished_tasks_for_its_queued_task()
    {
        using var store = new TestStore(StoreKind.Sqlite);
        using var db = store.Database.Open();

        var indexes = db.Query<(string Name, string Sql)>("SELECT name, sql FROM sqlite_schema WHERE type = 'index' AND tbl_name = 'tasks' AND sql IS NOT NULL").ToList();

        Assert.DoesNotContain(indexes, index => index.Name == "tasks_pending");
        Assert.Contains(indexes, index => index.Name == "tasks_running" && index.Sql.EndsWith("WHERE status = 'RUNNING'", StringComparison.Ordinal));
    }

    [Theory, SqliteStore, PostgresStore]
    public async Task The_queue_gauges_count_the_queued_and_running_tasks_of_every_account_and_the_oldest_queued(StoreKind kind)
    {
        using var store = new TestStore(kind);
        var accounts = new AccountDirectory(store.Database, TimeProvider.System);
        var a = (await accounts.CreateAsync("a", Money.Zero)).AccountId;
        var b = (await accounts.CreateAsync("b", Money.Zero)).AccountId;
        var at = new DateTimeOffset(2026, 11, 20, 0, 0, 0, TimeSpan.Zero);
        await QueueAsync(store, a, at.AddMinutes(2));
        await QueueAsync(store, b, at.AddMinutes(1));
        await QueueAsync(store, b, at.AddMinutes(3));
        await TaskListingTests.InsertAsync(store.Database, a, at, "a/edit", "SUCCESS");
        await TaskListingTests.InsertAsync(store.Database, b, at, "a/edit", "FAILED");
        await using var db = store.Database.Open();
        await db.ExecuteAsync("UPDATE tasks SET status = 'RUNNING' WHERE id = (SELECT max(id) FROM tasks WHERE account_id = @b AND status = 'QUEUED')", new { b });

        var rows = (await db.QueryAsync<(string Status, long Count, long? Oldest)>(QueueGauges.Sql)).ToDictionary(r => r.Status);

        Assert.Equal((2L, at.AddMinutes(1).ToUnixTimeMilliseconds()), (rows["QUEUED"].Count, rows["QUEUED"].Oldest));
        Assert.Equal(1L, rows["RUNNING"].Count);
    }

    /// <summary>A QUEUED task inserted as a submit would, counted in its account's queue row on both stores.</summary>
    internal static async Task<string> QueueAsync(TestStore store, string accountId, DateTimeOffset at)
    {
        var id = await TaskListingTests.InsertAsync(store.Database, accountId, at, "a/edit", "QUEUED");
        await using var db = store.Database.Open();
        if (store.Database.Sql.CountQueuedInsert is { } count) await db.ExecuteAsync(count, new { AccountId = accountId });
        return id;
    }

    /// <summary>The steps of SQLite's plan for <paramref name="sql"/>, as <c>EXPLAIN QUERY PLAN</c> words them.</summary>
    internal static async Task<List<string>> PlanAsync(System.Data.Common.DbConnection db, string sql, object parameters) =>
        (await db.QueryAsync<(long Id, long Parent, long NotUsed, string Detail)>($"EXPLAIN QUERY PLAN {sql}", parameters))
            .Select(step => step.Detail).ToList();
}
