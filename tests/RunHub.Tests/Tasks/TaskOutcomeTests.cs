using Dapper;
using Microsoft.Extensions.DependencyInjection;
using RunHub.Data;
using RunHub.Tests.Support;

namespace RunHub.Tests.Tasks;

/// <summary>How tasks end when something goes wrong, and that each ending moves the money right.</summary>
public sealed class TaskOutcomeTests
{
    private const string TextToImage = "rhart-image-g-1.5/text-to-image";

    [Fact]
    public async Task A_task_past_its_catalog_deadline_fails_with_1006_and_is_refunded()
    {
        using var catalog = TestCatalog.Write(("test/slow", "sandbox", 1));
        await using var server = await TestServer.StartAsync(new Dictionary<string, string?>
        {
            ["CatalogDir"] = catalog.Path,
            ["Engines:Sandbox:DelayMs"] = "5000",
        });
        var caller = await server.NewCallerAsync(balance: 1m);
        var submitted = await caller.SubmitAsync("test/slow", new { prompt = "this takes too long", aspectRatio = "1:1" });
        var done = await caller.WaitAsync((string)submitted["taskId"]!);
        Assert.Equal("FAILED", (string)done["status"]!);
        Assert.Equal("1006", (string)done["errorCode"]!);
        Assert.Contains("deadline of 1 s", (string)done["errorMessage"]!);
        Assert.Equal(1m, await caller.BalanceAsync());
    }

    [Fact]
    public async Task A_model_without_an_engine_is_1010_at_submit_with_no_charge()
    {
        using var catalog = TestCatalog.Write(("test/elsewhere", null, 600));
        await using var server = await TestServer.StartAsync(new Dictionary<string, string?> { ["CatalogDir"] = catalog.Path });
        var caller = await server.NewCallerAsync(balance: 1m);
        var answer = await caller.SubmitAsync("test/elsewhere", new { prompt = "nobody can run this", aspectRatio = "1:1" });
        Assert.Equal("1010", (string)answer["errorCode"]!);
        Assert.Contains("test/elsewhere", (string)answer["errorMessage"]!);
        Assert.Equal(1m, await caller.BalanceAsync());
    }

    [Fact]
    public async Task A_generation_failure_is_1015_and_is_refunded()
    {
        await using var server = await TestServer.StartAsync(new Dictionary<string, string?> { ["Engines:Sandbox:FailureRate"] = "1" });
        var caller = await server.NewCallerAsync(balance: 1m);
        var submitted = await caller.SubmitAsync(TextToImage, new { prompt = "always fails here", aspectRatio = "1:1" });
        var done = await caller.WaitAsync((string)submitted["taskId"]!);
        Assert.Equal("FAILED", (string)done["status"]!);
        Assert.Equal("1015", (string)done["errorCode"]!);
        Assert.Null(done["results"]);
        Assert.Equal(1m, await caller.BalanceAsync());
    }

    [Fact]
    public async Task Stopping_a_server_hands_its_running_tasks_back_and_the_next_server_finishes_them()
    {
        using var data = new TempDirectory();
        var dataDir = data.Path;
        string taskId;
        ApiCaller caller;
        await using (var first = await TestServer.StartAsync(new Dictionary<string, string?> { ["Engines:Sandbox:DelayMs"] = "30000" }, dataDir))
        {
            caller = await first.NewCallerAsync(balance: 1m);
            taskId = (string)(await caller.SubmitAsync(TextToImage, new { prompt = "interrupted by a restart", aspectRatio = "1:1" }))["taskId"]!;
            while ((string)(await caller.QueryAsync(taskId))["status"]! != "RUNNING") await Task.Delay(20);
            await first.StopAsync();
            using var db = new SqliteDatabase(dataDir).Open();
            // Handed back, and the interrupted run does not count as an attempt.
            Assert.Equal(("QUEUED", 0L), db.QuerySingle<(string, long)>("SELECT status, attempts FROM tasks WHERE id = @taskId", new { taskId }));
        }
        await using var second = await TestServer.StartAsync(dataDir: dataDir);
        var resumed = new ApiCaller(second.Http, caller.AccountId, caller.ApiKey);
        Assert.Equal("SUCCESS", (string)(await resumed.WaitAsync(taskId))["status"]!);
        Assert.Equal(0.97m, await resumed.BalanceAsync());
    }
}
