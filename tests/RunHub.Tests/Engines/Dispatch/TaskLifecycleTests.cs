using System.Text.Json;
using System.Text.Json.Nodes;
using Dapper;
using Microsoft.Extensions.DependencyInjection;
using RunHub.Engines;
using RunHub.Data;
using RunHub.Tests.Support;

namespace RunHub.Tests.Engines.Dispatch;

/// <summary>Busy backends, deadlines, progress, validation reports and usage, as a client of the API sees them.</summary>
public sealed class TaskLifecycleTests
{
    private static EngineException Busy(double seconds) =>
        new("1520", "upstream concurrency limit", retryAfter: TimeSpan.FromSeconds(seconds));

    [Fact]
    public async Task Busy_backends_send_the_task_back_to_the_queue_and_it_succeeds_later_with_one_charge()
    {
        var engine = new ScriptedEngine()
            .Then("http://a", Busy(0.2)).Then("http://b", Busy(0.3))
            .Then("http://a", Busy(0.2)).Then("http://b", Busy(0.2));
        // One queue attempt allowed: busy runs must not count as attempts, or the third run would give up with 1005.
        await using var run = await DispatchServer.StartAsync(engine, ["http://a", "http://b"],
            settings: new Dictionary<string, string?> { ["Queue:MaxAttempts"] = "1" });
        var (caller, taskId) = await run.SubmitAsync();

        var seen = new HashSet<string>();
        JsonObject task;
        do
        {
            task = await caller.QueryAsync(taskId);
            seen.Add((string)task["status"]!);
            await Task.Delay(20);
        } while ((string)task["status"]! is "QUEUED" or "RUNNING");

        Assert.Equal("SUCCESS", (string)task["status"]!);
        Assert.Subset(new HashSet<string> { "QUEUED", "RUNNING", "SUCCESS" }, seen);
        Assert.Equal(5, engine.Runs.Count);
        Assert.Equal(0.97m, await caller.BalanceAsync());
    }

    [Fact]
    public async Task Backends_busy_past_the_models_deadline_fail_the_task_with_1006_and_refund_it()
    {
        var engine = new ScriptedEngine().Then("http://a", Busy(5));
        await using var run = await DispatchServer.StartAsync(engine, ["http://a"], timeoutSeconds: 2);
        var (caller, taskId) = await run.SubmitAsync();

        var done = await caller.WaitAsync(taskId);

        Assert.Equal("FAILED", (string)done["status"]!);
        Assert.Equal("1006", (string)done["errorCode"]!);
        Assert.Contains("busy", (string)done["errorMessage"]!);
        Assert.Single(engine.Runs);
        Assert.Equal(1m, await caller.BalanceAsync());
    }

    [Fact]
    public async Task A_hanging_backend_is_stopped_at_the_models_deadline_with_1006()
    {
        var engine = new ScriptedEngine().Then("http://a", ScriptedEngine.Hang);
        await using var run = await DispatchServer.StartAsync(engine, ["http://a", "http://b"], timeoutSeconds: 1);
        var (caller, taskId) = await run.SubmitAsync();

        var done = await caller.WaitAsync(taskId);

        Assert.Equal("1006", (string)done["errorCode"]!);
        Assert.Equal(["http://a"], engine.Cancelled);
        Assert.Equal(["http://a"], engine.Runs);
        Assert.Equal(1m, await caller.BalanceAsync());
    }

    [Fact]
    public async Task Progress_reported_by_the_engine_shows_in_query_while_running_and_is_gone_once_done()
    {
        var release = new TaskCompletionSource();
        var engine = new ScriptedEngine().Then("http://a", async (job, ct) =>
        {
            job.Progress.Report(new EngineProgress(40, "KSampler", 0));
            await release.Task.WaitAsync(ct);
            return ScriptedEngine.Success();
        });
        await using var run = await DispatchServer.StartAsync(engine, ["http://a"]);
        var (caller, taskId) = await run.SubmitAsync();

        JsonObject task;
        do
        {
            task = await caller.QueryAsync(taskId);
            await Task.Delay(20);
        } while (task["progress"] is null);
        release.SetResult();
        var done = await caller.WaitAsync(taskId);

        Assert.Equal("RUNNING", (string)task["status"]!);
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse("""{"percent":40,"node":"KSampler","queuePosition":0}"""), task["progress"]), task.ToJsonString());
        Assert.Equal("SUCCESS", (string)done["status"]!);
        Assert.False(done.ContainsKey("progress"));
    }

    [Fact]
    public async Task A_task_with_no_progress_report_has_no_progress_field()
    {
        var engine = new ScriptedEngine();
        await using var run = await DispatchServer.StartAsync(engine, ["http://a"]);
        var (caller, taskId) = await run.SubmitAsync();

        var submitted = await caller.QueryAsync(taskId);
        var done = await caller.WaitAsync(taskId);

        Assert.False(submitted.ContainsKey("progress"));
        Assert.False(done.ContainsKey("progress"));
    }

    [Fact]
    public async Task A_backends_validation_report_is_the_failed_tasks_prompt_tips()
    {
        const string nodeErrors = """
            {"6": {"errors": [{"type": "value_not_in_list", "message": "Value not in list", "details": "ckpt_name: 'x.safetensors' not in []", "extra_info": {}}],
                   "dependent_outputs": ["9"], "class_type": "CheckpointLoaderSimple"}}
            """;
        var engine = new ScriptedEngine().Then("http://a",
            new EngineException("1015", "the workflow failed validation on the backend") { NodeErrors = nodeErrors });
        await using var run = await DispatchServer.StartAsync(engine, ["http://a", "http://b"]);
        var (caller, taskId) = await run.SubmitAsync();

        var done = await caller.WaitAsync(taskId);

        Assert.Equal("FAILED", (string)done["status"]!);
        var tips = JsonNode.Parse((string)done["promptTips"]!)!;
        Assert.False((bool)tips["result"]!);
        Assert.Equal("CheckpointLoaderSimple", (string)tips["node_errors"]!["6"]!["class_type"]!);
        Assert.Equal("value_not_in_list", (string)tips["node_errors"]!["6"]!["errors"]![0]!["type"]!);
        Assert.Equal(["http://a"], engine.Runs);
    }

    [Fact]
    public async Task The_backends_usage_report_is_stored_with_the_task_but_not_sent_to_the_client()
    {
        const string usage = """{"total_tokens":4242,"input_tokens":42,"marker":"backend-usage-marker"}""";
        var engine = new ScriptedEngine().Then("http://a", (_, _) => Task.FromResult(ScriptedEngine.Success(usage)));
        await using var run = await DispatchServer.StartAsync(engine, ["http://a"]);
        var (caller, taskId) = await run.SubmitAsync();

        var done = await caller.WaitAsync(taskId);

        Assert.Equal("SUCCESS", (string)done["status"]!);
        // A marker no task id or URL can contain (a number could appear in a random task id).
        Assert.DoesNotContain("backend-usage-marker", done.ToJsonString());
        Assert.DoesNotContain("total_tokens", done.ToJsonString());
        using var db = run.Server.Services.GetRequiredService<Database>().Open();
        Assert.Equal(usage, db.ExecuteScalar<string>("SELECT backend_usage FROM tasks WHERE id = @taskId", new { taskId }));
    }
}
