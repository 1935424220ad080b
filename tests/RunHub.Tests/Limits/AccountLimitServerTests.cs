using System.Text.Json.Nodes;
using RunHub.Engines;
using RunHub.Tests.Data;
using RunHub.Tests.Engines.Dispatch;
using RunHub.Tests.Support;

namespace RunHub.Tests.Limits;

/// <summary>An account's own limits set with <c>runhub accounts limits</c>, as a client of the real server sees them, on SQLite and PostgreSQL.</summary>
public sealed class AccountLimitServerTests
{
    private static object Body => new { prompt = "a scripted picture", aspectRatio = "1:1" };

    [Theory, SqliteStore, PostgresStore]
    public async Task An_account_with_its_own_limits_runs_one_task_at_a_time_is_refused_at_its_own_queue_limit_and_is_back_on_the_servers_when_cleared(StoreKind kind)
    {
        using var store = new TestStore(kind);
        var engine = new ScriptedEngine();
        var release = new TaskCompletionSource<EngineOutput>(TaskCreationOptions.RunContinuationsAsynchronously);
        var started = new SemaphoreSlim(0);
        for (var i = 0; i < 6; i++)
            engine.Then("a", async (_, cancellationToken) =>
            {
                started.Release();
                return await release.Task.WaitAsync(cancellationToken);
            });
        await using var dispatch = await DispatchServer.StartAsync(engine, ["a"], settings: new Dictionary<string, string?>(store.ServerSettings)
        {
            ["Limits:MaxRunningPerAccount"] = "2",
            ["Queue:Workers"] = "4",
            ["KeyCacheSeconds"] = "0",
        });
        var own = await dispatch.Server.NewCallerAsync(1m, "own");
        var other = await dispatch.Server.NewCallerAsync(1m, "other");
        var set = await LimitsCommandAsync(store, dispatch.Server, own.AccountId, "--running", "1", "--queued", "2", "--json");
        Assert.Equal((1, 2), ((int)set["maxRunning"]!, (int)set["maxQueued"]!));

        var owns = new List<string>();
        for (var i = 0; i < 3; i++) owns.Add((await dispatch.SubmitAsync(own)).TaskId);
        Assert.True(await started.WaitAsync(TimeSpan.FromSeconds(60)));
        var full = await own.SubmitAsync(DispatchCatalog.Endpoint, Body);
        Assert.Equal(("1011", ""), ((string)full["errorCode"]!, (string)full["taskId"]!));
        Assert.Contains("at most 2 tasks waiting", (string)full["errorMessage"]!);
        for (var i = 0; i < 2; i++) await dispatch.SubmitAsync(other);
        Assert.True(await started.WaitAsync(TimeSpan.FromSeconds(60)));
        Assert.True(await started.WaitAsync(TimeSpan.FromSeconds(60)));

        // Four workers: the account with its own limit of 1 runs one task, the other account the server's 2.
        Assert.Equal((1, "1", "2"), await QueueStatusAsync(dispatch.Server, own.ApiKey));
        Assert.Equal((2, "2", "0"), await QueueStatusAsync(dispatch.Server, other.ApiKey));
        Assert.Equal(1, (int)(await own.QueryAsync(owns[1]))["queuePosition"]!);
        Assert.Equal(3, engine.Runs.Count);

        // Cleared: the server's limits again. The workers' next look starts the account's second task, and it may queue more.
        var cleared = await LimitsCommandAsync(store, dispatch.Server, own.AccountId, "--running", "default", "--queued", "none", "--json");
        Assert.Equal((null, null), ((int?)cleared["maxRunning"], (int?)cleared["maxQueued"]));
        Assert.True(await started.WaitAsync(TimeSpan.FromSeconds(60)));
        Assert.Equal((2, "2", "1"), await QueueStatusAsync(dispatch.Server, own.ApiKey));
        owns.Add((string)(await own.SubmitAsync(DispatchCatalog.Endpoint, Body))["taskId"]!);
        Assert.Equal("QUEUED", (string)(await own.QueryAsync(owns[3]))["status"]!);

        release.SetResult(ScriptedEngine.Success());
        foreach (var id in owns) Assert.Equal("SUCCESS", (string)(await own.WaitAsync(id))["status"]!);
    }

    [Fact]
    public async Task The_accounts_limits_command_shows_the_servers_by_default_and_refuses_bad_values_and_unknown_accounts()
    {
        await using var server = await TestServer.StartAsync(new Dictionary<string, string?> { ["Role"] = "api" });
        var caller = await server.NewCallerAsync();

        var shown = await ServerProcess.RunAsync(["accounts", "limits", caller.AccountId, "--data", server.DataDir]);
        Assert.True(shown.ExitCode == 0, shown.StdErr);
        Assert.Contains("running at once: the server's (RunHub:Limits:MaxRunningPerAccount)", shown.StdOut);
        Assert.Contains("waiting: the server's (RunHub:Limits:MaxQueuedPerAccount)", shown.StdOut);
        Assert.Contains("uploads kept (MB): the server's (RunHub:Limits:MaxUploadMbPerAccount)", shown.StdOut);
        var uploads = await ServerProcess.RunAsync(["accounts", "limits", caller.AccountId, "--uploads", "10", "--data", server.DataDir, "--json"]);
        Assert.True(uploads.ExitCode == 0, uploads.StdErr);
        Assert.Equal(10, (int)JsonNode.Parse(uploads.StdOut)!["maxUploadMb"]!);
        var set = await ServerProcess.RunAsync(["accounts", "limits", caller.AccountId, "--queued", "0", "--data", server.DataDir]);
        Assert.Contains("waiting: no limit (its own)", set.StdOut);
        Assert.Contains("running at once: the server's", set.StdOut);

        var bad = await ServerProcess.RunAsync(["accounts", "limits", caller.AccountId, "--running", "lots", "--data", server.DataDir]);
        Assert.Equal(2, bad.ExitCode);
        Assert.Contains("--running: 'lots' is not 0 or more, nor 'default'", bad.StdErr);
        var badUploads = await ServerProcess.RunAsync(["accounts", "limits", caller.AccountId, "--uploads", "many", "--data", server.DataDir]);
        Assert.Equal(2, badUploads.ExitCode);
        Assert.Contains("--uploads: 'many' is not 0 or more MB, nor 'default'", badUploads.StdErr);
        var unknown = await ServerProcess.RunAsync(["accounts", "limits", "1234", "--running", "3", "--data", server.DataDir]);
        Assert.Equal(1, unknown.ExitCode);
        Assert.Contains("no account 1234", unknown.StdErr);
    }

    private static async Task<JsonNode> LimitsCommandAsync(TestStore store, TestServer server, string accountId, params string[] options)
    {
        var (exit, stdout, stderr) = await ServerProcess.RunAsync(["accounts", "limits", accountId, .. options, "--data", server.DataDir], store.ProcessEnvironment);
        Assert.True(exit == 0, stderr);
        return JsonNode.Parse(stdout)!;
    }

    private static async Task<(int Limit, string Running, string Queued)> QueueStatusAsync(TestServer server, string key)
    {
        var status = (await ConcurrencyLimitTests.QueueStatusAsync(server, key))["data"]!;
        return ((int)status["concurrentLimit"]!, (string)status["runningCount"]!, (string)status["queuedCount"]!);
    }
}
