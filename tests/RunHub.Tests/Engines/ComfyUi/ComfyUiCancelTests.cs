using RunHub.Engines;
using RunHub.Tests.Support;

namespace RunHub.Tests.Engines.ComfyUi;

/// <summary>Cancelling a task stops the prompt on the ComfyUI server; waiting prompts report their place; health.</summary>
public sealed class ComfyUiCancelTests : IAsyncLifetime
{
    private FakeComfyUi _comfy = null!;
    private TempDirectory _catalog = null!;

    public async Task InitializeAsync()
    {
        _comfy = await FakeComfyUi.StartAsync();
        _catalog = ComfyExample.Catalog(_comfy.Url);
    }

    public async Task DisposeAsync()
    {
        await _comfy.DisposeAsync();
        _catalog.Dispose();
    }

    private EngineJob Job(ProgressLog? progress = null) =>
        ComfyExample.Job(ComfyExample.Model(_catalog.Path), "Put a lighthouse behind them", "1:1", progress, TestImages.Png(64, 64));

    [Fact]
    public async Task Cancelling_a_running_prompt_interrupts_it_on_the_server()
    {
        _comfy.Behaviour.Hang = true;
        using var engine = ComfyExample.Engine(_catalog.Path);
        using var cancel = new CancellationTokenSource();

        var run = engine.RunAsync(Job(), cancel.Token);
        var promptId = await _comfy.Started.Task.WaitAsync(TimeSpan.FromSeconds(30));
        await cancel.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => run);
        Assert.Contains(promptId, _comfy.Interrupts);
        Assert.Equal(promptId, (string)_comfy.Submitted.Single()["prompt_id"]!);
    }

    [Fact]
    public async Task Cancelling_a_waiting_prompt_deletes_it_from_the_queue()
    {
        _comfy.Behaviour.HoldQueue = true;
        using var engine = ComfyExample.Engine(_catalog.Path);
        using var cancel = new CancellationTokenSource();
        var progress = new ProgressLog();

        var run = engine.RunAsync(Job(progress), cancel.Token);
        await Until(() => progress.Reports.Any(r => r.QueuePosition == 1));
        await cancel.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => run);
        var promptId = (string)_comfy.Submitted.Single()["prompt_id"]!;
        Assert.Contains(promptId, _comfy.Deletes);
        Assert.False(_comfy.Started.Task.IsCompleted);
    }

    [Fact]
    public async Task Waiting_prompt_reports_its_queue_position_then_runs_when_the_queue_moves()
    {
        _comfy.Behaviour.HoldQueue = true;
        using var engine = ComfyExample.Engine(_catalog.Path);
        var progress = new ProgressLog();

        var run = engine.RunAsync(Job(progress), CancellationToken.None);
        await Until(() => progress.Reports.Any(r => r.QueuePosition == 1));
        _comfy.ReleaseQueue();
        var output = await run.WaitAsync(TimeSpan.FromSeconds(60));

        Assert.Single(output.Files);
        var reports = progress.Reports.ToList();
        var firstRunning = reports.FindIndex(r => r.QueuePosition == 0);
        Assert.True(firstRunning > reports.FindIndex(r => r.QueuePosition == 1));
    }

    [Fact]
    public async Task Server_that_answers_system_stats_is_healthy_and_one_that_is_gone_is_not()
    {
        using var engine = ComfyExample.Engine(_catalog.Path);
        var backend = ComfyExample.Model(_catalog.Path).Engine!;

        Assert.True(await engine.IsHealthyAsync(backend, CancellationToken.None));
        Assert.Equal(1, _comfy.HealthChecks);
        await _comfy.DisposeAsync();
        Assert.False(await engine.IsHealthyAsync(backend, CancellationToken.None));
        _comfy = await FakeComfyUi.StartAsync();
    }

    private static async Task Until(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "the condition did not come true");
            await Task.Delay(20);
        }
    }
}
