using Dapper;
using RunHub.Accounts;
using RunHub.Data;
using RunHub.Tasks;

namespace RunHub.Tests.Data;

public sealed class TaskListingTests
{
    private static readonly DateTimeOffset Day = new(2026, 11, 20, 0, 0, 0, TimeSpan.Zero);

    [Theory, SqliteStore, PostgresStore]
    public async Task Tasks_are_listed_newest_first_in_cursor_pages_with_each_filter(StoreKind kind)
    {
        using var store = new TestStore(kind);
        var accounts = new AccountDirectory(store.Database, TimeProvider.System);
        var mine = (await accounts.CreateAsync("mine", Money.Zero)).AccountId;
        var other = (await accounts.CreateAsync("other", Money.Zero)).AccountId;
        // Ten tasks of mine, one per hour from Day, alternating models and statuses; one of another account between them.
        var ids = new List<string>();
        for (var i = 0; i < 10; i++)
            ids.Add(await InsertAsync(store.Database, mine, Day.AddHours(i), i % 2 == 0 ? "a/edit" : "b", i % 3 == 0 ? "FAILED" : "SUCCESS"));
        await InsertAsync(store.Database, other, Day.AddHours(4.5), "a/edit", "SUCCESS");
        var listing = new TaskListing(store.Database);

        var seen = new List<string>();
        string? cursor = null;
        var pages = 0;
        do
        {
            var page = await listing.ListAsync(mine, new TaskFilter(Cursor: cursor), 4);
            seen.AddRange(page.Tasks.Select(t => t.Id));
            cursor = page.NextCursor;
            pages++;
        } while (cursor is not null);
        Assert.Equal(3, pages);
        Assert.Equal(Enumerable.Reverse(ids), seen);

        Assert.Equal([ids[8], ids[6], ids[4], ids[2], ids[0]], Ids(await listing.ListAsync(mine, new TaskFilter(Endpoint: "a/edit"), 100)));
        Assert.Equal([ids[9], ids[6], ids[3], ids[0]], Ids(await listing.ListAsync(mine, new TaskFilter(Status: "FAILED"), 100)));
        Assert.Equal([ids[6], ids[0]], Ids(await listing.ListAsync(mine, new TaskFilter("a/edit", "FAILED"), 100)));
        Assert.Equal([ids[4], ids[3], ids[2]],
            Ids(await listing.ListAsync(mine, new TaskFilter(Since: Day.AddHours(2), Before: Day.AddHours(5)), 100)));
        Assert.Empty((await listing.ListAsync(mine, new TaskFilter(Before: new DateTimeOffset(2012, 1, 1, 0, 0, 0, TimeSpan.Zero)), 100)).Tasks);
        Assert.Equal(11, (await listing.ListAsync(null, new TaskFilter(), 100)).Tasks.Count);
    }

    [Theory, SqliteStore, PostgresStore]
    public async Task An_accounts_listing_without_filters_has_its_tasks_of_every_status_newest_first_across_pages(StoreKind kind)
    {
        using var store = new TestStore(kind);
        var accounts = new AccountDirectory(store.Database, TimeProvider.System);
        var mine = (await accounts.CreateAsync("mine", Money.Zero)).AccountId;
        var other = (await accounts.CreateAsync("other", Money.Zero)).AccountId;
        // Three of each status, interleaved in time, so every page mixes statuses; and the other account's in between.
        var ids = new List<string>();
        for (var i = 0; i < 3 * TaskStatuses.All.Count; i++)
        {
            ids.Add(await InsertAsync(store.Database, mine, Day.AddHours(i), "a/edit", TaskStatuses.All[i % TaskStatuses.All.Count]));
            await InsertAsync(store.Database, other, Day.AddHours(i + 0.5), "a/edit", TaskStatuses.All[i % TaskStatuses.All.Count]);
        }
        var listing = new TaskListing(store.Database);

        var seen = new List<string>();
        string? cursor = null;
        do
        {
            var page = await listing.ListAsync(mine, new TaskFilter(Cursor: cursor), 4);
            seen.AddRange(page.Tasks.Select(t => t.Id));
            cursor = page.NextCursor;
        } while (cursor is not null);

        Assert.Equal(Enumerable.Reverse(ids), seen);
        Assert.Equal([ids[7], ids[6], ids[5]],
            Ids(await listing.ListAsync(mine, new TaskFilter(Since: Day.AddHours(5), Before: Day.AddHours(7.5)), 100)));
    }

    [Fact]
    public async Task An_accounts_listing_without_filters_reads_ranges_of_the_status_index_and_scans_no_table()
    {
        using var store = new TestStore(StoreKind.Sqlite);
        var mine = (await new AccountDirectory(store.Database, TimeProvider.System).CreateAsync("mine", Money.Zero)).AccountId;
        await InsertAsync(store.Database, mine, Day, "a/edit", "SUCCESS");
        await using var db = store.Database.Open();
        // The statement TaskListing runs for an account's first page with no filter, as SQLite plans it.
        var plan = await QueueIndexPlanTests.PlanAsync(db, TaskListing.ByStatus("WHERE 1 = 1 AND account_id = @accountId"), new { accountId = mine, take = 5 });

        Assert.Equal(TaskStatuses.All.Count, plan.Count(step => step.Contains("USING INDEX tasks_account (account_id=? AND status=?)", StringComparison.Ordinal)));
        Assert.DoesNotContain(plan, step => step.StartsWith("SCAN tasks", StringComparison.Ordinal));
    }

    [Theory, SqliteStore, PostgresStore]
    public async Task An_operators_listing_of_queued_or_running_tasks_has_those_of_every_account_newest_first(StoreKind kind)
    {
        using var store = new TestStore(kind);
        var accounts = new AccountDirectory(store.Database, TimeProvider.System);
        var a = (await accounts.CreateAsync("a", Money.Zero)).AccountId;
        var b = (await accounts.CreateAsync("b", Money.Zero)).AccountId;
        var queued = new List<string>();
        for (var i = 0; i < 3; i++)
        {
            queued.Add(await QueueIndexPlanTests.QueueAsync(store, i % 2 == 0 ? a : b, Day.AddHours(i)));
            await InsertAsync(store.Database, a, Day.AddHours(i + 0.5), "a/edit", "SUCCESS");
        }
        await using (var db = store.Database.Open())
            await db.ExecuteAsync("UPDATE tasks SET status = 'RUNNING' WHERE id = @id", new { id = queued[1] });
        var listing = new TaskListing(store.Database);

        Assert.Equal([queued[2], queued[0]], Ids(await listing.ListAsync(null, new TaskFilter(Status: "QUEUED"), 100)));
        Assert.Equal([queued[2]], Ids(await listing.ListAsync(null, new TaskFilter(Status: "QUEUED"), 1)));
        Assert.Equal([queued[0]], Ids(await listing.ListAsync(null, new TaskFilter(Status: "QUEUED", Cursor: queued[2]), 100)));
        Assert.Equal([queued[1]], Ids(await listing.ListAsync(null, new TaskFilter(Status: "RUNNING"), 100)));
    }

    private static string[] Ids(TaskPage page) => page.Tasks.Select(t => t.Id).ToArray();

    /// <summary>A finished task created at <paramref name="at"/>, with an id of that time as the generator would give.</summary>
    internal static async Task<string> InsertAsync(Database database, string accountId, DateTimeOffset at, string endpoint, string status)
    {
        var id = (long.Parse(TaskIdGenerator.FirstIdAt(at.ToUnixTimeMilliseconds())!) + Random.Shared.Next(1, 4096)).ToString();
        await using var db = database.Open();
        await db.ExecuteAsync(
            """
            INSERT INTO tasks (id, account_id, endpoint, client_id, status, parameters, price, created_at, finished_at)
            VALUES (@id, @accountId, @endpoint, 'c', @status, '{}', 30, @created, @created)
            """, new { id, accountId, endpoint, status, created = at.ToUnixTimeMilliseconds() });
        return id;
    }
}
