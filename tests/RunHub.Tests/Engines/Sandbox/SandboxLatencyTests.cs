using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using RunHub.Catalog;
using RunHub.Engines;
using RunHub.Engines.Sandbox;

namespace RunHub.Tests.Engines.Sandbox;

/// <summary>The per-family latency model, on a fake clock: a task takes the family's time, reports progress meanwhile, and can be cancelled.</summary>
public sealed class SandboxLatencyTests
{
    private static readonly ModelEntry ImageModel = SandboxJobs.Model("image", new ParameterSpec { FieldKey = "prompt", Type = ParameterType.String });

    /// <summary>Progress reports, with a signal for the n-th one: the engine's wait reports as it starts each step.</summary>
    private sealed class Reports : IProgress<EngineProgress>
    {
        private readonly List<(int Count, TaskCompletionSource Signal)> _waiting = [];

        public List<int?> Percents { get; } = [];

        public void Report(EngineProgress value)
        {
            lock (Percents)
            {
                Percents.Add(value.Percent);
                foreach (var (count, signal) in _waiting)
                    if (Percents.Count >= count) signal.TrySetResult();
            }
        }

        public Task Reached(int count)
        {
            lock (Percents)
            {
                var signal = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                if (Percents.Count >= count) signal.SetResult();
                else _waiting.Add((count, signal));
                return signal.Task.WaitAsync(TimeSpan.FromSeconds(30));
            }
        }
    }

    private static SandboxEngine Engine(FakeTimeProvider time, Dictionary<string, SandboxLatency> latency) =>
        new(Options.Create(new RunHubOptions { Engines = { Sandbox = { Latency = latency } } }), time);

    private static EngineJob Job(int count, Reports progress) =>
        SandboxJobs.Job(ImageModel, new Dictionary<string, object> { ["prompt"] = "a lighthouse", ["size"] = "64*64", ["n"] = count }) with { Progress = progress };

    [Fact]
    public async Task A_task_takes_its_familys_base_time_plus_the_time_per_extra_output_and_reports_progress_meanwhile()
    {
        var time = new FakeTimeProvider();
        var progress = new Reports();
        var engine = Engine(time, new() { ["image"] = new SandboxLatency { BaseMs = 10_000, PerOutputMs = 1_000 } });

        var run = engine.RunAsync(Job(3, progress), CancellationToken.None);
        await progress.Reached(1);
        time.Advance(TimeSpan.FromMilliseconds(11_500));
        await progress.Reached(2);

        Assert.False(run.IsCompleted);                                  // 10 s + 2 extra outputs × 1 s = 12 s
        time.Advance(TimeSpan.FromMilliseconds(500));
        var output = await run.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal(3, output.Files.Count);
        Assert.Contains(progress.Percents, p => p is > 50 and < 100);
    }

    [Fact]
    public async Task An_endpoint_prefix_family_wins_over_the_output_type()
    {
        var time = new FakeTimeProvider();
        var engine = Engine(time, new()
        {
            ["image"] = new SandboxLatency { BaseMs = 60_000 },
            ["test-image/"] = new SandboxLatency { BaseMs = 0 },
        });

        var output = await engine.RunAsync(Job(1, new Reports()), CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Single(output.Files);
    }

    [Fact]
    public async Task Cancelling_during_the_latency_stops_the_task_at_once()
    {
        var time = new FakeTimeProvider();
        var progress = new Reports();
        var engine = Engine(time, new() { ["image"] = new SandboxLatency { BaseMs = 600_000 } });
        using var cancel = new CancellationTokenSource();

        var run = engine.RunAsync(Job(1, progress), cancel.Token);
        await progress.Reached(1);
        await cancel.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => run.WaitAsync(TimeSpan.FromSeconds(30)));
    }
}
