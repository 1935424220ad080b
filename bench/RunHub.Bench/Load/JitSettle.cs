using System.Diagnostics;

namespace RunHub.Bench.Load;

/// <summary>
/// Runs a scenario's load until the process's tiered JIT compiler has gone quiet, before the timed warm-up. A fixed
/// warm-up is not enough where calls are slow: at a dozen tasks a second the code of a task reaches tier 1 only
/// after many seconds, and until then the compiler's thread takes a large share of the cores from the thing
/// measured. Its CPU is read per thread from <c>/proc/PID/task</c>.
/// </summary>
internal static class JitSettle
{
    /// <summary>The name the runtime gives its tiered compilation thread (<c>comm</c> is cut at 15 characters).</summary>
    private const string CompilerThread = ".NET Tiered Com";

    /// <summary>Less compiler CPU than this in one second of load counts as settled.</summary>
    private const double QuietSeconds = 0.02;

    private static readonly TimeSpan Chunk = TimeSpan.FromSeconds(1);

    /// <param name="pid">The process whose compiler is watched (the server, or the bench itself for the engine).</param>
    /// <param name="limit">At most this long; zero skips settling.</param>
    /// <param name="load">Runs the scenario's load for the given time.</param>
    /// <returns>How long it took.</returns>
    public static async Task<TimeSpan> RunAsync(int pid, TimeSpan limit, Func<TimeSpan, Task> load)
    {
        var clock = Stopwatch.StartNew();
        var seen = CompilerCpu(pid);
        while (clock.Elapsed < limit)
        {
            await load(Chunk);
            var now = CompilerCpu(pid);
            // Per thread: the runtime ends an idle compiler thread and starts a new one when there is work again.
            var used = now.Sum(t => t.Value - seen.GetValueOrDefault(t.Key));
            seen = now;
            if (used < QuietSeconds) break;
        }
        return clock.Elapsed;
    }

    private static Dictionary<string, double> CompilerCpu(int pid)
    {
        var threads = new Dictionary<string, double>();
        foreach (var dir in Directory.EnumerateDirectories($"/proc/{pid}/task"))
        {
            try
            {
                if (File.ReadAllText(Path.Combine(dir, "comm")).Trim() != CompilerThread) continue;
                threads[Path.GetFileName(dir)] = CpuWindow.StatCpuSeconds(Path.Combine(dir, "stat"));
            }
            catch (IOException)
            {
                // The thread ended between the listing and the read.
            }
        }
        return threads;
    }
}
