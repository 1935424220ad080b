using RunHub.Engines;
using RunHub.Tests.Support;
using SkiaSharp;

namespace RunHub.Tests.Engines.ComfyUi;

/// <summary>
/// On real ComfyUI servers: cancelling a task stops its own prompt and nobody else's, whatever the release; waiting
/// prompts report their place; health.
/// </summary>
[Collection(ComfyUiCollection.Name)]
public sealed class ComfyUiCancelTests
{
    private static async Task<(ComfyServer Comfy, TempDirectory Catalog)> StartAsync(string version, int steps = 400, double secondsPerStep = 0.05)
    {
        var comfy = await TestComfyUi.ServerAsync(version);
        await comfy.ResetAsync();
        return (comfy, ComfyImageCatalog.Create(comfy.Url, workflow: ComfyImageCatalog.Slow(steps, secondsPerStep)));
    }

    private static EngineJob Job(string catalog, ProgressLog? progress = null) =>
        ComfyExample.Job(ComfyExample.Model(catalog), "Put a lighthouse behind them", "1:1", progress,
            TestImages.Png(64, 64, new SKColor((uint)Random.Shared.Next() | 0xFF000000)));

    [ComfyFact]
    public async Task Cancelling_a_running_prompt_interrupts_it_on_the_server()
    {
        var (comfy, catalog) = await StartAsync(TestComfyUi.Current);
        using var _ = catalog;
        using var engine = ComfyExample.Engine(catalog.Path);
        using var cancel = new CancellationTokenSource();
        var progress = new ProgressLog();

        var run = engine.RunAsync(Job(catalog.Path, progress), cancel.Token);
        await Until(() => progress.Reports.Any(r => r.Node == "RunHubSlowPassthrough #40" && r.Percent > 0));
        var promptId = (await comfy.QueueAsync()).Running.Single();
        await cancel.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => run);
        Assert.True(ComfyServer.WasInterrupted(await comfy.UntilFinishedAsync(promptId)));
    }

    [ComfyTheory]
    [InlineData(TestComfyUi.Current)]
    [InlineData(TestComfyUi.IgnoresInterruptId)]
    [InlineData(TestComfyUi.Oldest)]
    public async Task Cancelling_a_waiting_prompt_deletes_it_from_the_queue_and_leaves_the_running_prompt_of_another_client_alone(string version)
    {
        var (comfy, catalog) = await StartAsync(version);
        using var _ = catalog;
        // Long enough for RunHub's prompt to queue behind it, short enough to finish on its own: only then is it
        // certain that nothing interrupted it.
        var other = await comfy.QueueOtherClientsPromptAsync(steps: 60, secondsPerStep: 0.1);
        await comfy.UntilRunningAsync(other);
        using var engine = ComfyExample.Engine(catalog.Path);
        using var cancel = new CancellationTokenSource();
        var progress = new ProgressLog();

        var run = engine.RunAsync(Job(catalog.Path, progress), cancel.Token);
        await Until(() => progress.Reports.Any(r => r.QueuePosition == 1));
        var ours = (await comfy.QueueAsync()).Pending.Single();
        await cancel.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => run);
        var (running, pending) = await comfy.QueueAsync();
        Assert.DoesNotContain(ours, pending);
        Assert.False(ComfyServer.WasInterrupted(await comfy.UntilFinishedAsync(other)), $"ComfyUI {version}: the other client's prompt was interrupted");
        Assert.Null(await comfy.HistoryAsync(ours));
        Assert.DoesNotContain(ours, running);
    }

    [ComfyFact]
    public async Task Waiting_prompt_reports_its_queue_position_then_runs_when_the_queue_moves()
    {
        var (comfy, catalog) = await StartAsync(TestComfyUi.Current, steps: 1, secondsPerStep: 0);
        using var _ = catalog;
        var other = await comfy.QueueOtherClientsPromptAsync(steps: 1000, secondsPerStep: 0.1);
        await comfy.UntilRunningAsync(other);
        using var engine = ComfyExample.Engine(catalog.Path);
        var progress = new ProgressLog();

        var run = engine.RunAsync(Job(catalog.Path, progress), CancellationToken.None);
        await Until(() => progress.Reports.Any(r => r.QueuePosition == 1));
        await comfy.InterruptAsync(other);
        var output = await run.WaitAsync(TimeSpan.FromSeconds(60));

        Assert.Single(output.Files);
        var reports = progress.Reports.ToList();
        var firstRunning = reports.FindIndex(r => r.QueuePosition == 0);
        Assert.True(firstRunning > reports.FindIndex(r => r.QueuePosition == 1));
    }

    [ComfyFact]
    public async Task Server_that_answers_system_stats_with_a_supported_release_is_healthy_and_one_that_is_gone_is_not()
    {
        var (comfy, catalog) = await StartAsync(TestComfyUi.Current);
        using var _ = catalog;
        using var gone = ComfyImageCatalog.Create("http://127.0.0.1:9");
        using var engine = ComfyExample.Engine(catalog.Path);

        Assert.True(await engine.IsHealthyAsync(ComfyExample.Model(catalog.Path).Engine!, CancellationToken.None));
        Assert.False(await engine.IsHealthyAsync(ComfyExample.Model(gone.Path).Engine!, CancellationToken.None));
    }

    private static async Task Until(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "the condition did not come true");
            await Task.Delay(20);
        }
    }
}
