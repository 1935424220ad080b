using Dapper;
using RunHub.Accounts;
using RunHub.Data;
using RunHub.Tests.Support;

namespace RunHub.Tests.Tasks;

/// <summary>The queue survives a crash: a real server process is killed with SIGKILL in the middle of its tasks.</summary>
public sealed class CrashRecoveryTests
{
    [Fact]
    public async Task Killing_the_server_mid_task_then_restarting_finishes_every_task_charged_exactly_once()
    {
        using var data = new TempDirectory();
        var dataDir = data.Path;
        var account = await new AccountDirectory(new SqliteDatabase(dataDir), TimeProvider.System).CreateAsync("crash", Money.FromDecimal(5m));
        // The first server's tasks run long enough to all be running when it is killed, however slow the machine; its
        // leases are long enough not to lapse under load while it lives. The second server finishes them at once.
        var environment = new Dictionary<string, string>
        {
            ["RunHub__Engines__Sandbox__DelayMs"] = "600000",
            ["RunHub__Queue__Workers"] = "20",
            ["RunHub__Queue__LeaseSeconds"] = "10",
            ["RunHub__Queue__PollMilliseconds"] = "200",
        };
        var taskIds = new List<string>();
        await using (var first = await ServerProcess.StartAsync(dataDir, environment))
        {
            using var http = new HttpClient { BaseAddress = new Uri(first.BaseUrl) };
            var caller = new ApiCaller(http, account.AccountId, account.ApiKey);
            for (var i = 0; i < 20; i++)
            {
                var submitted = await caller.SubmitAsync("rhart-image-g-1.5/text-to-image", new { prompt = "survive the crash " + i, aspectRatio = "1:1" });
                Assert.Equal("", (string)submitted["errorCode"]!);
                taskIds.Add((string)submitted["taskId"]!);
            }
            await WaitUntilAllRunningAsync(caller, taskIds);
            await first.KillAsync();
        }

        environment["RunHub__Engines__Sandbox__DelayMs"] = "0";
        await using var second = await ServerProcess.StartAsync(dataDir, environment);
        using (var http = new HttpClient { BaseAddress = new Uri(second.BaseUrl) })
        {
            var caller = new ApiCaller(http, account.AccountId, account.ApiKey);
            foreach (var id in taskIds)
                Assert.Equal("SUCCESS", (string)(await caller.WaitAsync(id, TimeSpan.FromSeconds(90)))["status"]!);
            Assert.Equal(5m - 20 * 0.03m, await caller.BalanceAsync());
        }

        using var db = new SqliteDatabase(dataDir).Open();
        foreach (var id in taskIds)
        {
            var kinds = db.Query<string>("SELECT kind FROM ledger WHERE task_id = @id ORDER BY kind", new { id }).ToList();
            Assert.Equal(["reserve", "settle"], kinds);
            Assert.True(db.ExecuteScalar<long>("SELECT attempts FROM tasks WHERE id = @id", new { id }) >= 2, $"task {id} was not re-run");
        }
    }

    private static async Task WaitUntilAllRunningAsync(ApiCaller caller, List<string> taskIds)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(120);
        while (true)
        {
            var statuses = new List<string>();
            foreach (var id in taskIds) statuses.Add((string)(await caller.QueryAsync(id))["status"]!);
            if (statuses.All(s => s == "RUNNING")) return;
            Assert.True(DateTime.UtcNow < deadline, "tasks never all ran at once: " + string.Join(",", statuses));
            await Task.Delay(50);
        }
    }
}
