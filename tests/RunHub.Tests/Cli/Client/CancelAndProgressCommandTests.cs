using RunHub.Engines;
using RunHub.Tests.Engines.Dispatch;
using RunHub.Tests.Support;

namespace RunHub.Tests.Cli.Client;

/// <summary><c>runhub cancel</c>, and the progress a RunHub server reports as <c>runhub query</c> and <c>run</c> show it.</summary>
public sealed class CancelAndProgressCommandTests
{
    private static EngineException Busy => new("1520", "busy", retryAfter: TimeSpan.FromMinutes(10));

    [Fact]
    public async Task Cancel_ends_a_queued_task_and_prints_it_cancelled()
    {
        var engine = new ScriptedEngine().Then("http://a", Busy);
        await using var run = await DispatchServer.StartAsync(engine, ["http://a"], timeoutSeconds: 3600);
        var (caller, taskId) = await run.SubmitAsync();
        await engine.FirstRun.WaitAsync(TimeSpan.FromSeconds(60));
        await Poll.ForAsync(() => caller.QueryAsync(taskId), task => (string)task["status"]! == "QUEUED", task => $"the task back in the queue: {task}");

        var (code, stdout, stderr) = await ClientCli.For(run.Server, caller).Run("cancel", taskId);

        Assert.True(code == 0, stderr);
        Assert.Contains("status   CANCEL", stdout);
        Assert.Equal(1m, await caller.BalanceAsync());
    }

    [Fact]
    public async Task Cancel_of_a_finished_task_exits_with_the_refusal()
    {
        await using var run = await DispatchServer.StartAsync(new ScriptedEngine(), ["http://a"]);
        var (caller, taskId) = await run.SubmitAsync();
        await caller.WaitAsync(taskId);

        var (code, _, stderr) = await ClientCli.For(run.Server, caller).Run("cancel", taskId);

        Assert.NotEqual(0, code);
        Assert.Contains("1007", stderr);
    }

    [Fact]
    public async Task Query_and_run_show_the_progress_of_a_running_task()
    {
        var release = new TaskCompletionSource();
        var engine = new ScriptedEngine();
        for (var i = 0; i < 2; i++)
            engine.Then("http://a", async (job, ct) =>
            {
                job.Progress.Report(new EngineProgress(40, "KSampler", 0));
                await release.Task.WaitAsync(ct);
                return ScriptedEngine.Success();
            });
        await using var run = await DispatchServer.StartAsync(engine, ["http://a"]);
        var (caller, taskId) = await run.SubmitAsync();
        while ((await caller.QueryAsync(taskId))["progress"] is null) await Task.Delay(20);
        var cli = ClientCli.For(run.Server, caller);

        var (code, stdout, stderr) = await cli.Run("query", taskId);
        Assert.True(code == 0, stderr);
        Assert.Contains("progress 40% KSampler", stdout);

        // run prints a line on stderr per change when its output is not a terminal; its wait ends before the task does.
        (code, _, stderr) = await cli.Run("run", DispatchCatalog.Endpoint, "-p", "prompt=a scripted picture", "-p", "aspectRatio=1:1",
            "--timeout", "8", "--interval", "0.1");
        release.SetResult();
        Assert.Equal(3, code);
        Assert.Contains("RUNNING", stderr);
        Assert.Contains("40% KSampler", stderr);
    }
}
