using Dapper;
using Microsoft.Extensions.DependencyInjection;
using RunHub.Data;
using RunHub.Tests.Support;
using RunHub.WebConsole;

namespace RunHub.Tests.WebConsole;

/// <summary>The dashboard's figures (<see cref="AccountOverview"/>) on a real server and its SQLite database.</summary>
public sealed class AccountOverviewTests
{
    [Fact]
    public async Task The_overview_holds_the_price_of_queued_and_running_tasks_and_lists_both_newest_first()
    {
        // An API-only server runs nothing: its tasks stay queued until the test moves one to running itself.
        await using var server = await TestServer.StartAsync(new Dictionary<string, string?> { ["Role"] = "api" });
        var caller = await server.NewCallerAsync(1m);
        var ids = new List<string>();
        for (var i = 0; i < 3; i++)
            ids.Add((string)(await caller.SubmitAsync("rhart-image-g-1.5/text-to-image", new { prompt = "a lighthouse at dawn", aspectRatio = "1:1" }))["taskId"]!);
        using (var db = server.Services.GetRequiredService<SqliteDatabase>().Open())
            db.Execute("UPDATE tasks SET status = 'RUNNING' WHERE id = @id", new { id = ids[1] });

        var overview = await server.Services.GetRequiredService<AccountOverview>().ReadAsync(caller.AccountId);

        Assert.Equal(90, overview.Held); // three tasks of 0.03 CNY, in thousandths
        Assert.Equal(Enumerable.Reverse(ids), overview.Active.Select(t => t.Id));
        Assert.Equal(["QUEUED", "RUNNING", "QUEUED"], overview.Active.Select(t => t.Status));
        Assert.Equal(3, overview.ActiveCount);
    }

    [Fact]
    public async Task The_overview_counts_every_running_and_queued_task_while_it_lists_only_the_newest_twenty()
    {
        await using var server = await TestServer.StartAsync(new Dictionary<string, string?> { ["Role"] = "api" });
        var caller = await server.NewCallerAsync(10m);
        for (var i = 0; i < 23; i++)
            Assert.Equal("", (string)(await caller.SubmitAsync("rhart-image-g-1.5/text-to-image", new { prompt = $"task {i}", aspectRatio = "1:1" }))["errorCode"]!);

        var overview = await server.Services.GetRequiredService<AccountOverview>().ReadAsync(caller.AccountId);

        Assert.Equal(20, overview.Active.Count);
        Assert.Equal(23, overview.ActiveCount);
    }
}
