using RunHub.Data;

namespace RunHub.Bench.Load;

/// <summary>A scenario's measured load with the CPU both processes used in its window and the time the JIT took to settle before it.</summary>
/// <param name="StartedUnixMs">When the warm-up of the measured load began (Unix ms, the tasks table's clock): the window opens a warm-up later.</param>
internal sealed record MeasuredRun(LoadSamples Samples, CpuUse Cpu, TimeSpan Settle, long StartedUnixMs = 0)
{
    public Dictionary<string, double> Details()
    {
        var details = Cpu.Details(Samples.Count);
        details["jitSettleSeconds"] = Settle.TotalSeconds;
        return details;
    }

    /// <summary>Closed-loop load: settled (<see cref="JitSettle"/>), warmed up, then measured with CPU readings.</summary>
    /// <param name="serverPid">The server, or null when the work runs in the bench process.</param>
    public static async Task<MeasuredRun> ClosedAsync(int? serverPid, BenchOptions options, int clients, Func<Task<CallResult>> call)
    {
        var settle = await JitSettle.RunAsync(serverPid ?? Environment.ProcessId, options.SettleLimit,
            chunk => ClosedLoop.RunAsync(clients, TimeSpan.Zero, chunk, call));
        var started = TimeProvider.System.NowMs();
        var (samples, cpu) = await CpuWindow.AroundAsync(serverPid, options.Warmup, options.Duration,
            () => ClosedLoop.RunAsync(clients, options.Warmup, options.Duration, call));
        return new MeasuredRun(samples, cpu, settle, started);
    }
}
