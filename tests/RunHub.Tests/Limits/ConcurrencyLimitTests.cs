using System.Text.Json;
using System.Text.Json.Nodes;
using RunHub.Engines;
using RunHub.Tests.Data;
using RunHub.Tests.Engines.Dispatch;
using RunHub.Tests.Support;

namespace RunHub.Tests.Limits;

/// <summary>An account's running and queued limits as a client sees them, on one server and on two sharing PostgreSQL.</summary>
public sealed class ConcurrencyLimitTests
{
    private static object Body => new { prompt = "a scripted picture", aspectRatio = "1:1" };

    [Fact]
    public async Task Tasks_over_the_running_limit_wait_queued_with_their_position_and_start_as_others_end()
    {
        var engine = new ScriptedEngine();
        var release = new TaskCompletionSource<EngineOutput>(TaskCreationOptions.RunContinuationsAsynchronously);
        var started = new SemaphoreSlim(0);
        for (var i = 0; i < 3; i++)
            engine.Then("a", async (_, cancellationToken) =>
            {
                started.Release();
                return await release.Task.WaitAsync(cancellationToken);
            });
        await using var dispatch = await DispatchServer.StartAsync(engine, ["a"], settings: new Dictionary<string, string?>
        {
            ["Limits:MaxRunningPerAccount"] = "1",
            ["Queue:Workers"] = "4",
        });
        var (caller, first) = await dispatch.SubmitAsync();
        Assert.True(await started.WaitAsync(TimeSpan.FromSeconds(60)));
        var (_, second) = await dispatch.SubmitAsync(caller);
        var (_, third) = await dispatch.SubmitAsync(caller);

        // Four idle workers, one running place: the other two wait, in order, never refused.
        var queried = await caller.QueryAsync(third);
        Assert.Equal(("QUEUED", "", 2), ((string)queried["status"]!, (string)queried["errorCode"]!, (int)queried["queuePosition"]!));
        Assert.Equal(1, (int)(await caller.QueryAsync(second))["queuePosition"]!);
        var running = await caller.QueryAsync(first);
        Assert.Equal("RUNNING", (string)running["status"]!);
        Assert.Null(running["queuePosition"]);
        var status = (await QueueStatusAsync(dispatch.Server, caller.ApiKey))["data"]!;
        Assert.Equal(("SHARED", 1, "1", "2", "3"), ((string)status["apiKeyType"]!, (int)status["concurrentLimit"]!,
            (string)status["runningCount"]!, (string)status["queuedCount"]!, (string)status["totalCurrentTasks"]!));
        var account = await caller.PostAsync("/uc/openapi/accountStatus", JsonSerializer.Serialize(new { apikey = caller.ApiKey }), sendKey: false);
        Assert.Equal("3", (string)account["data"]!["currentTaskCounts"]!);
        Assert.Single(engine.Runs);

        // Each end lets the next start.
        release.SetResult(ScriptedEngine.Success());
        foreach (var id in new[] { first, second, third }) Assert.Equal("SUCCESS", (string)(await caller.WaitAsync(id))["status"]!);
        Assert.Equal(3, engine.Runs.Count);
        Assert.Equal("0", (string)(await QueueStatusAsync(dispatch.Server, caller.ApiKey))["data"]!["totalCurrentTasks"]!);
    }

    [Fact]
    public async Task In_refusal_mode_a_submit_over_the_running_limit_is_refused_with_1520_and_beyond_the_queued_limit_with_1011()
    {
        var engine = new ScriptedEngine();
        var release = new TaskCompletionSource<EngineOutput>(TaskCreationOptions.RunContinuationsAsynchronously);
        engine.Then("a", (_, cancellationToken) => release.Task.WaitAsync(cancellationToken));
        await using (var refusing = await DispatchServer.StartAsync(engine, ["a"], settings: new Dictionary<string, string?>
        {
            ["Limits:MaxRunningPerAccount"] = "1",
            ["Limits:RefuseOverConcurrency"] = "true",
        }))
        {
            var (caller, first) = await refusing.SubmitAsync();
            var refused = await caller.SubmitAsync(DispatchCatalog.Endpoint, Body);
            Assert.Equal(("1520", ""), ((string)refused["errorCode"]!, (string)refused["taskId"]!));
            Assert.Contains("at most 1 tasks queued or running at once; retry when one has ended", (string)refused["errorMessage"]!);
            Assert.Equal(0.97m, await caller.BalanceAsync());
            release.SetResult(ScriptedEngine.Success());
            await caller.WaitAsync(first);
            Assert.Equal("", (string)(await caller.SubmitAsync(DispatchCatalog.Endpoint, Body))["errorCode"]!);
        }

        await using var queueing = await DispatchServer.StartAsync(new ScriptedEngine(), ["a"], settings: new Dictionary<string, string?>
        {
            ["Role"] = "api",
            ["Limits:MaxQueuedPerAccount"] = "2",
        });
        var (other, _) = await queueing.SubmitAsync();
        await queueing.SubmitAsync(other);
        var full = await other.SubmitAsync(DispatchCatalog.Endpoint, Body);
        Assert.Equal("1011", (string)full["errorCode"]!);
        Assert.Contains("queue full: this account may have at most 2 tasks waiting", (string)full["errorMessage"]!);
        Assert.Equal("2", (string)(await QueueStatusAsync(queueing.Server, other.ApiKey))["data"]!["queuedCount"]!);
    }

    [PostgresFact]
    public async Task Two_nodes_on_one_postgresql_run_an_accounts_tasks_within_its_limit_and_show_the_same_figures()
    {
        using var store = new TestStore(StoreKind.Postgres);
        var engine = new ScriptedEngine();
        var release = new TaskCompletionSource<EngineOutput>(TaskCreationOptions.RunContinuationsAsynchronously);
        var started = new SemaphoreSlim(0);
        for (var i = 0; i < 4; i++)
            engine.Then("a", async (_, cancellationToken) =>
            {
                started.Release();
                return await release.Task.WaitAsync(cancellationToken);
            });
        var settings = new Dictionary<string, string?>(store.ServerSettings)
        {
            ["Limits:MaxRunningPerAccount"] = "2",
            ["Queue:Workers"] = "3",
        };
        await using var first = await DispatchServer.StartAsync(engine, ["a"], settings: settings);
        await using var second = await DispatchServer.StartAsync(engine, ["a"], settings: settings);
        var caller = await first.Server.NewCallerAsync(1m);
        var onSecond = new ApiCaller(second.Server.Http, caller.AccountId, caller.ApiKey);
        var ids = new List<string>();
        for (var i = 0; i < 4; i++) ids.Add((await (i % 2 == 0 ? first : second).SubmitAsync(i % 2 == 0 ? caller : onSecond)).TaskId);

        // Six workers on two nodes, two running places: two start, and the others stay queued on both nodes.
        Assert.True(await started.WaitAsync(TimeSpan.FromSeconds(60)));
        Assert.True(await started.WaitAsync(TimeSpan.FromSeconds(60)));
        foreach (var server in new[] { first.Server, second.Server })
        {
            var status = (await QueueStatusAsync(server, caller.ApiKey))["data"]!;
            Assert.Equal(("2", "2"), ((string)status["runningCount"]!, (string)status["queuedCount"]!));
        }
        Assert.Equal(1, (int)(await onSecond.QueryAsync(ids[2]))["queuePosition"]!);
        Assert.Equal(2, engine.Runs.Count);

        release.SetResult(ScriptedEngine.Success());
        foreach (var id in ids) Assert.Equal("SUCCESS", (string)(await caller.WaitAsync(id))["status"]!);
        Assert.Equal(4, engine.Runs.Count);
    }

    internal static async Task<JsonObject> QueueStatusAsync(TestServer server, string key)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/openapi/v2/queue/status");
        request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", key);
        using var response = await server.Http.SendAsync(request);
        return JsonNode.Parse(await response.Content.ReadAsStringAsync())!.AsObject();
    }
}
