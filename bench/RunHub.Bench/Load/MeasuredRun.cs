using RunHub.Data;

namespace RunHub.Bench.Load;

/// <summary>A scenario's measured load with the CPU both processes used in its window and the time the JIT took to settle before it.</summary>
/// <param name="StartedUnixMs">When the warm-up of the measured load began (Unix ms, the tasks table's clock): the window opens a warm-up later.</param>
/// <param name="Writer">The server's group-commit writer in the window (<see cref="GroupCommitReading.Details"/>), when measured.</param>
internal sealed record MeasuredRun(LoadSamples Samples, CpuUse Cpu, TimeSpan Settle, long StartedUnixMs = 0, IReadOnlyDictionary<string, double>? Writer = null)
{
    public Dictionary<string, double> Details()
    {
        var details = Cpu.Details(Samples.Count);
        details["jitSettleSeconds"] = Settle.TotalSeconds;
        foreach (var (key, value) in Writer ?? new Dictionary<string, double>()) details[key] = value;
        return details;
    }

    /// <summary>Closed-loop load: settled (<see cref="JitSettle"/>), warmed up, then measured with CPU readings.</summary>
    /// <param name="serverPid">The server, or null when the work runs in the bench process.</param>
    /// <param name="serverMetrics">The server's <c>/metrics</c>, to read its group-commit writer over the same window; null for none.</param>
    public static async Task<MeasuredRun> ClosedAsync(int? serverPid, BenchOptions options, int clients, Func<Task<CallResult>> call,
        Uri? serverMetrics = null)
    {
        var settle = await JitSettle.RunAsync(serverPid ?? Environment.ProcessId, options.SettleLimit,
            chunk => ClosedLoop.RunAsync(clients, TimeSpan.Zero, chunk, call));
        var started = TimeProvider.System.NowMs();
        var writer = serverMetrics is null ? null : GroupCommitWindow.MeasureAsync(serverMetrics, options.Warmup, options.Duration);
        var (samples, cpu) = await CpuWindow.AroundAsync(serverPid, options.Warmup, options.Duration,
            () => ClosedLoop.RunAsync(clients, options.Warmup, options.Duration, call));
        return new MeasuredRun(samples, cpu, settle, started, writer is null ? null : await writer);
    }
}
