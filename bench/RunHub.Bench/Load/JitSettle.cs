using System.Diagnostics;

namespace RunHub.Bench.Load;

/// <summary>
/// Runs a scenario's load until the process's tiered JIT compiler has gone quiet, before the timed warm-up. A fixed
/// warm-up is not enough where calls are slow: at a dozen tasks a second the code of a task reaches tier 1 only
/// after many seconds, and until then the compiler's thread takes a large share of the cores from the thing
/// measured. Its CPU is read per thread from <c>/proc/PID/task</c>. The compiler works in waves: on 2026-12-01 the server's
/// took 0.15 s of a core when the open loop's GC session started and 0.33-0.36 s more in a second wave 2.5-8 s later,
/// with no compiler work between them (docs/performance.md, "The query tail: the compiler's second wave"). So the load
/// counts as settled only after <see cref="QuietRounds"/> quiet rounds in a row.
/// </summary>
internal static class JitSettle
{
    /// <summary>The name the runtime gives its tiered compilation thread (<c>comm</c> is cut at 15 characters).</summary>
    private const string CompilerThread = ".NET Tiered Com";

    /// <summary>Less compiler CPU than this in one second of load is a quiet round.</summary>
    private const double QuietSeconds = 0.02;

    /// <summary>
    /// Quiet rounds in a row that count as settled: longer than the 2.2 s seen once between two waves. The 6.5 s seen
    /// once, with the GC session started just before the warm-up, was not covered, and was not seen again with the
    /// session started before the settling (no second wave at all in the sampled runs).
    /// </summary>
    public const int QuietRounds = 3;

    private static readonly TimeSpan Chunk = TimeSpan.FromSeconds(1);

    /// <param name="pid">The process whose compiler is watched (the server, or the bench itself for the engine).</param>
    /// <param name="limit">At most this long; zero skips settling.</param>
    /// <param name="load">Runs the scenario's load for the given time.</param>
    /// <returns>How long it took.</returns>
    public static Task<TimeSpan> RunAsync(int pid, TimeSpan limit, Func<TimeSpan, Task> load) => RunAsync(() => CompilerCpu(pid), limit, load);

    /// <summary>As <see cref="RunAsync(int, TimeSpan, Func{TimeSpan, Task})"/>, with the compiler's CPU read by <paramref name="compilerCpu"/>.</summary>
    /// <param name="compilerCpu">CPU seconds so far of each compiler thread, by thread id.</param>
    internal static async Task<TimeSpan> RunAsync(Func<IReadOnlyDictionary<string, double>> compilerCpu, TimeSpan limit, Func<TimeSpan, Task> load)
    {
        var clock = Stopwatch.StartNew();
        var seen = compilerCpu();
        var quiet = 0;
        while (clock.Elapsed < limit)
        {
            await load(Chunk);
            var now = compilerCpu();
            // Per thread: the runtime ends an idle compiler thread and starts a new one when there is work again.
            var used = now.Sum(t => t.Value - seen.GetValueOrDefault(t.Key));
            seen = now;
            quiet = used < QuietSeconds ? quiet + 1 : 0;
            if (quiet == QuietRounds) break;
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
