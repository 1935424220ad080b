using RunHub.Engines;
using SkiaSharp;

using RunHub.Tests.Support;

namespace RunHub.Tests.Engines.Sandbox;

public sealed class SandboxFaultTests
{
    // Small canvases keep 200 runs quick; the failure decision does not depend on the size.
    private static Dictionary<string, object> SmallTextToImage => new() { ["prompt"] = "a quiet harbour at dawn", ["size"] = "64*64" };

    private static IEnumerable<string> TaskIds(int count) =>
        Enumerable.Range(0, count).Select(i => (2013508786110730241L + i * 7919L).ToString(System.Globalization.CultureInfo.InvariantCulture));

    [Fact]
    public async Task Failure_rate_one_fails_every_task_with_1015()
    {
        var engine = SandboxJobs.Engine(failureRate: 1);

        foreach (var taskId in TaskIds(20))
        {
            var error = await Assert.ThrowsAsync<EngineException>(() => engine.RunAsync(SandboxJobs.Job(taskId, SmallTextToImage), CancellationToken.None));
            Assert.Equal("1015", error.ErrorCode);
            Assert.False(error.Retryable);
            Assert.Equal("sandbox: simulated failure (FailureRate=1)", error.Message);
        }
    }

    [Fact]
    public async Task Failure_rate_zero_fails_no_task()
    {
        var engine = SandboxJobs.Engine(failureRate: 0);

        foreach (var taskId in TaskIds(50))
            await engine.RunPng(SandboxJobs.Job(taskId, SmallTextToImage));
    }

    [Fact]
    public async Task Failure_rate_half_fails_about_half_and_each_task_id_always_the_same_way()
    {
        var engine = SandboxJobs.Engine(failureRate: 0.5);

        var ids = TaskIds(200).ToList();
        var first = await Outcomes(engine, ids);
        var second = await Outcomes(engine, ids);

        Assert.InRange(first.Count(failed => failed), 60, 140);
        Assert.Equal(first, second);
    }

    [Fact]
    public async Task Delay_is_cut_short_by_cancellation()
    {
        var engine = SandboxJobs.Engine(delayMs: 10_000);
        using var cancel = new CancellationTokenSource(TimeSpan.FromMilliseconds(100));

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() =>
            engine.RunAsync(SandboxJobs.Job("1", SmallTextToImage), cancel.Token));
    }

    [Fact]
    public async Task Already_cancelled_task_does_not_render()
    {
        using var cancel = new CancellationTokenSource();
        await cancel.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() =>
            SandboxJobs.Engine().RunAsync(SandboxJobs.Job("1", SmallTextToImage), cancel.Token));
    }

    [Fact]
    public async Task Undecodable_input_fails_with_1013_naming_the_input()
    {
        var good = TestImages.Png(64, 64, SKColors.Red);
        var garbage = "this is not an image at all"u8.ToArray();

        var error = await Assert.ThrowsAsync<EngineException>(() =>
            SandboxJobs.Engine().RunAsync(SandboxJobs.Job("a quiet harbour at dawn", "1:1", good, garbage), CancellationToken.None));

        Assert.Equal("1013", error.ErrorCode);
        Assert.Equal("imageUrls[1]: not a decodable image", error.Message);
    }

    [Fact]
    public async Task Truncated_png_fails_with_1013()
    {
        var png = TestImages.Png(256, 256, SKColors.Red);
        var header = png.Take(40).ToArray();

        var error = await Assert.ThrowsAsync<EngineException>(() =>
            SandboxJobs.Engine().RunAsync(SandboxJobs.Job("a quiet harbour at dawn", "1:1", header), CancellationToken.None));

        Assert.Equal("1013", error.ErrorCode);
    }

    private static async Task<List<bool>> Outcomes(IEngine engine, IEnumerable<string> taskIds)
    {
        var outcomes = new List<bool>();
        foreach (var taskId in taskIds)
        {
            try
            {
                await engine.RunAsync(SandboxJobs.Job(taskId, SmallTextToImage), CancellationToken.None);
                outcomes.Add(false);
            }
            catch (EngineException e) when (e.ErrorCode == "1015")
            {
                outcomes.Add(true);
            }
        }
        return outcomes;
    }
}
