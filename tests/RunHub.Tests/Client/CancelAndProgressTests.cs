using RunHub.Client;
using RunHub.Engines;
using RunHub.Tests.Client.Support;
using RunHub.Tests.Engines.Dispatch;
using EngineProgress = RunHub.Engines.EngineProgress;

namespace RunHub.Tests.Client;

/// <summary>The SDK's view of RunHub's extensions: cancel, and progress while waiting.</summary>
public sealed class CancelAndProgressTests
{
    [Fact]
    public async Task CancelAsync_of_a_running_task_ends_it_cancel_and_the_wait_reports_it_as_a_cancel()
    {
        var engine = new ScriptedEngine().Then("http://a", ScriptedEngine.Hang);
        // Seen at the lease's next renewal, at most 2 s away; a long lease cannot lapse on a loaded machine.
        await using var run = await DispatchServer.StartAsync(engine, ["http://a"],
            settings: new Dictionary<string, string?> { ["Queue:LeaseSeconds"] = "60" });
        var caller = await run.Server.NewCallerAsync(balance: 1m);
        using var client = Clients.For(run.Server, caller);
        var task = await client.SubmitAsync(DispatchCatalog.Endpoint, new { prompt = "a scripted picture", aspectRatio = "1:1" });
        await engine.FirstRun.WaitAsync(TimeSpan.FromSeconds(60));

        var answer = await client.CancelAsync(task.TaskId);
        var ended = await Assert.ThrowsAsync<RunHubException>(() => client.WaitAsync(task.TaskId));

        Assert.Equal("RUNNING", answer.RawStatus);
        Assert.Equal("CANCEL", ended.TaskState!.RawStatus);
        Assert.Equal(1m, await caller.BalanceAsync());
    }

    [Fact]
    public async Task CancelAsync_of_a_finished_task_throws_the_refusal()
    {
        await using var run = await DispatchServer.StartAsync(new ScriptedEngine(), ["http://a"]);
        var caller = await run.Server.NewCallerAsync();
        using var client = Clients.For(run.Server, caller);
        var task = await client.RunAsync(DispatchCatalog.Endpoint, new { prompt = "a scripted picture", aspectRatio = "1:1" });

        var refusal = await Assert.ThrowsAsync<RunHubException>(() => client.CancelAsync(task.TaskId));

        Assert.Equal("1007", refusal.ErrorCode);
    }

    [Fact]
    public async Task A_wait_reports_the_servers_progress_as_it_changes()
    {
        var step = new SemaphoreSlim(0);
        var engine = new ScriptedEngine().Then("http://a", async (job, ct) =>
        {
            job.Progress.Report(new EngineProgress(Percent: 10, Node: "KSampler"));
            await step.WaitAsync(ct);
            job.Progress.Report(new EngineProgress(Percent: 90, Node: "VAEDecode"));
            await step.WaitAsync(ct);
            return ScriptedEngine.Success();
        });
        await using var run = await DispatchServer.StartAsync(engine, ["http://a"]);
        var caller = await run.Server.NewCallerAsync();
        using var client = Clients.For(run.Server, caller);
        var seen = new List<TaskProgress>();
        var progress = new Inline<TaskUpdate>(update =>
        {
            if (update.Progress is not { } p) return;
            lock (seen)
            {
                if (seen.Count > 0 && seen[^1] == p) return;
                seen.Add(p);
            }
            step.Release();
        });

        var task = await client.RunAsync(DispatchCatalog.Endpoint, new { prompt = "a scripted picture", aspectRatio = "1:1" }, progress: progress);

        Assert.True(task.IsSuccess);
        Assert.Equal([new TaskProgress(10, "KSampler", null), new TaskProgress(90, "VAEDecode", null)], seen);
        Assert.Null(task.Progress);
    }

    private sealed class Inline<T>(Action<T> report) : IProgress<T>
    {
        public void Report(T value) => report(value);
    }
}
