using System.Diagnostics;
using System.Globalization;

namespace RunHub.Bench.Load;

/// <summary>
/// CPU time the server and the bench each used during a measurement window, read from <c>/proc/PID/stat</c>
/// and the bench's own process. It tells a saturated machine from one whose cores sat idle while requests or
/// tasks waited (on a lock, a sleep, or threads the pool had not yet added), and gives CPU per request.
/// </summary>
internal sealed record CpuUse(double ServerSeconds, double BenchSeconds, double WallSeconds)
{
    /// <summary>Share of the machine (all cores = 100%) each used.</summary>
    public double ServerShare => WallSeconds > 0 ? ServerSeconds / WallSeconds / Environment.ProcessorCount : 0;
    public double BenchShare => WallSeconds > 0 ? BenchSeconds / WallSeconds / Environment.ProcessorCount : 0;

    /// <summary>The figures a scenario reports beside its latencies: CPU milliseconds per operation and the machine's use.</summary>
    public Dictionary<string, double> Details(long operations) => new()
    {
        ["serverCpuMsPerOp"] = operations > 0 ? ServerSeconds * 1000 / operations : 0,
        ["benchCpuMsPerOp"] = operations > 0 ? BenchSeconds * 1000 / operations : 0,
        ["serverCpuPercentOfMachine"] = ServerShare * 100,
        ["benchCpuPercentOfMachine"] = BenchShare * 100,
    };
}

internal static class CpuWindow
{
    /// <summary>Runs a load of <paramref name="warmup"/> + <paramref name="duration"/> and the CPU reading of its measured part side by side.</summary>
    public static async Task<(LoadSamples Samples, CpuUse Cpu)> AroundAsync(int? serverPid, TimeSpan warmup, TimeSpan duration, Func<Task<LoadSamples>> load)
    {
        var cpu = MeasureAsync(serverPid, warmup, duration);
        var samples = await load();
        return (samples, await cpu);
    }

    /// <summary>Samples at <paramref name="warmup"/> and again <paramref name="duration"/> later, alongside a load run started at the same moment.</summary>
    /// <param name="serverPid">The server process, or null when the work runs in the bench process itself.</param>
    public static async Task<CpuUse> MeasureAsync(int? serverPid, TimeSpan warmup, TimeSpan duration)
    {
        await Task.Delay(warmup);
        var wall = Stopwatch.StartNew();
        var server0 = serverPid is { } pid ? ProcessCpuSeconds(pid) : 0;
        var bench0 = Process.GetCurrentProcess().TotalProcessorTime.TotalSeconds;
        await Task.Delay(duration);
        var server1 = serverPid is { } pid2 ? ProcessCpuSeconds(pid2) : 0;
        var bench1 = Process.GetCurrentProcess().TotalProcessorTime.TotalSeconds;
        return new CpuUse(server1 - server0, bench1 - bench0, wall.Elapsed.TotalSeconds);
    }

    /// <summary>utime + stime of a process, from the fields after its name in /proc/PID/stat (in USER_HZ ticks, 100 per second on Linux).</summary>
    public static double ProcessCpuSeconds(int pid) => StatCpuSeconds($"/proc/{pid}/stat");

    /// <summary>utime + stime of a <c>stat</c> file of a process or one of its threads.</summary>
    public static double StatCpuSeconds(string path)
    {
        var stat = File.ReadAllText(path);
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        const double ticksPerSecond = 100;
        return (long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture)) / ticksPerSecond;
    }
}
