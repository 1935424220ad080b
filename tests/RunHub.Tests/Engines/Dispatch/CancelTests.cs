using System.Text.Json;
using System.Text.Json.Nodes;
using RunHub.Engines;
using RunHub.Tests.Support;

namespace RunHub.Tests.Engines.Dispatch;

/// <summary>POST /openapi/v2/cancel (a RunHub extension): queued and running tasks end CANCEL with their money back.</summary>
public sealed class CancelTests
{
    private static Task<JsonObject> CancelAsync(ApiCaller caller, string taskId) =>
        caller.PostAsync("/openapi/v2/cancel", JsonSerializer.Serialize(new { taskId }));

    private static async Task<JsonObject> WaitForStatusAsync(ApiCaller caller, string taskId, Func<JsonObject, bool> done)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while (true)
        {
            var task = await caller.QueryAsync(taskId);
            if (done(task)) return task;
            Assert.True(DateTime.UtcNow < deadline, $"task {taskId} did not get there: {task.ToJsonString()}");
            await Task.Delay(20);
        }
    }

    [Fact]
    public async Task Cancelling_a_queued_task_ends_it_at_once_with_its_charge_released()
    {
        // The backend is busy for ten minutes, so the task waits in the queue.
        var engine = new ScriptedEngine().Then("http://a", new EngineException("1520", "busy", retryAfter: TimeSpan.FromMinutes(10)));
        await using var run = await DispatchServer.StartAsync(engine, ["http://a"], timeoutSeconds: 3600);
        var (caller, taskId) = await run.SubmitAsync();
        await WaitForStatusAsync(caller, taskId, t => (string)t["status"]! == "QUEUED" && !engine.Runs.IsEmpty);
        Assert.Equal(0.97m, await caller.BalanceAsync());

        var answer = await CancelAsync(caller, taskId);

        Assert.Equal(taskId, (string)answer["taskId"]!);
        Assert.Equal("CANCEL", (string)answer["status"]!);
        Assert.Equal("", (string)answer["errorCode"]!);
        Assert.Equal("CANCEL", (string)(await caller.QueryAsync(taskId))["status"]!);
        Assert.Equal(1m, await caller.BalanceAsync());
        Assert.Single(engine.Runs);
        // A repeated cancel (say, after a lost answer) changes nothing and answers the same.
        Assert.Equal("CANCEL", (string)(await CancelAsync(caller, taskId))["status"]!);
        Assert.Equal(1m, await caller.BalanceAsync());
    }

    [Fact]
    public async Task Cancelling_a_running_task_cancels_the_engines_token_and_ends_it_cancelled_with_its_charge_released()
    {
        var engine = new ScriptedEngine().Then("http://a", ScriptedEngine.Hang);
        // The worker sees the cancel when it renews its lease, at most every 2 s (TaskRunner.RenewalInterval); a long lease
        // cannot lapse on a loaded machine, which would let another worker run the task again.
        await using var run = await DispatchServer.StartAsync(engine, ["http://a"],
            settings: new Dictionary<string, string?> { ["Queue:LeaseSeconds"] = "60" });
        var (caller, taskId) = await run.SubmitAsync();
        await WaitForStatusAsync(caller, taskId, t => (string)t["status"]! == "RUNNING" && !engine.Runs.IsEmpty);

        var answer = await CancelAsync(caller, taskId);
        var done = await WaitForStatusAsync(caller, taskId, t => (string)t["status"]! != "RUNNING");

        Assert.Equal("RUNNING", (string)answer["status"]!);
        Assert.Equal("CANCEL", (string)done["status"]!);
        Assert.Equal("", (string)done["errorCode"]!);
        Assert.Null(done["results"]);
        Assert.Equal(["http://a"], engine.Cancelled);
        Assert.Equal(1m, await caller.BalanceAsync());
    }

    [Fact]
    public async Task Cancelling_a_finished_task_is_refused_and_leaves_it_as_it_was()
    {
        await using var run = await DispatchServer.StartAsync(new ScriptedEngine(), ["http://a"]);
        var (caller, taskId) = await run.SubmitAsync();
        var done = await caller.WaitAsync(taskId);

        var answer = await CancelAsync(caller, taskId);

        Assert.Equal("1007", (string)answer["errorCode"]!);
        Assert.Contains("already ended SUCCESS", (string)answer["errorMessage"]!);
        Assert.Equal("", (string)answer["taskId"]!);
        Assert.Equal(done.ToJsonString(), (await caller.QueryAsync(taskId)).ToJsonString());
        Assert.Equal(0.97m, await caller.BalanceAsync());
    }

    [Fact]
    public async Task Cancelling_another_accounts_task_is_not_found_and_changes_nothing()
    {
        var engine = new ScriptedEngine().Then("http://a", new EngineException("1520", "busy", retryAfter: TimeSpan.FromMinutes(10)));
        await using var run = await DispatchServer.StartAsync(engine, ["http://a"], timeoutSeconds: 3600);
        var (owner, taskId) = await run.SubmitAsync();
        var stranger = await run.Server.NewCallerAsync();

        var answer = await CancelAsync(stranger, taskId);

        Assert.Equal("1004", (string)answer["errorCode"]!);
        Assert.NotEqual("CANCEL", (string)(await owner.QueryAsync(taskId))["status"]!);
        Assert.Equal(0.97m, await owner.BalanceAsync());
    }

    [Theory]
    [InlineData("{}", "1007")]
    [InlineData("""{"taskId": true}""", "1007")]
    [InlineData("""{"taskId": "1"}""", "1004")]
    public async Task A_cancel_without_a_usable_task_id_is_refused(string body, string code)
    {
        await using var run = await DispatchServer.StartAsync(new ScriptedEngine(), ["http://a"]);
        var caller = await run.Server.NewCallerAsync();

        var answer = await caller.PostAsync("/openapi/v2/cancel", body);

        Assert.Equal(code, (string)answer["errorCode"]!);
    }

    [Fact]
    public async Task A_cancel_without_a_key_is_1002()
    {
        await using var run = await DispatchServer.StartAsync(new ScriptedEngine(), ["http://a"]);
        var caller = await run.Server.NewCallerAsync();

        var answer = await caller.PostAsync("/openapi/v2/cancel", """{"taskId": "1"}""", sendKey: false);

        Assert.Equal("1002", (string)answer["errorCode"]!);
    }
}
