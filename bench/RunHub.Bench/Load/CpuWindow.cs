using System.Diagnostics;
using System.Globalization;

namespace RunHub.Bench.Load;

/// <summary>
/// CPU time the server and the bench each used during a measurement window, read from <c>/proc/PID/stat</c>
/// and the bench's own process. It tells a saturated machine from one whose cores sat idle while requests or
/// tasks waited (on a lock, a sleep, or threads the pool had not yet added), and gives CPU per request.
/// </summary>
/// <param name="DatabaseSeconds">CPU of the PostgreSQL cluster named by <c>RUNHUB_BENCH_DATABASE_PID</c> (its postmaster and
/// every backend), or null when the store runs in the server's process (SQLite) or no cluster was named.</param>
/// <param name="ServerSwitches">Context switches of the server's threads in the window (voluntary and not; those of threads that ended
/// within it are not counted, <see cref="CpuWindow.SwitchesBetween"/>), or null when no server was measured.</param>
/// <param name="BenchSwitches">Context switches of the bench's threads in the window.</param>
/// <param name="MachineBusySeconds">CPU the whole machine spent in the window, all cores (<c>/proc/stat</c>: everything but
/// idle and I/O wait), or null where there is no <c>/proc/stat</c>.</param>
internal sealed record CpuUse(double ServerSeconds, double BenchSeconds, double WallSeconds, double? DatabaseSeconds = null,
    long? ServerSwitches = null, long? BenchSwitches = null, double? MachineBusySeconds = null)
{
    /// <summary>Share of the machine (all cores = 100%) each used.</summary>
    public double ServerShare => WallSeconds > 0 ? ServerSeconds / WallSeconds / Environment.ProcessorCount : 0;
    public double BenchShare => WallSeconds > 0 ? BenchSeconds / WallSeconds / Environment.ProcessorCount : 0;

    /// <summary>The figures a scenario reports beside its latencies: CPU milliseconds per operation and the machine's use.</summary>
    public Dictionary<string, double> Details(long operations)
    {
        var details = new Dictionary<string, double>
        {
            ["serverCpuMsPerOp"] = operations > 0 ? ServerSeconds * 1000 / operations : 0,
            ["benchCpuMsPerOp"] = operations > 0 ? BenchSeconds * 1000 / operations : 0,
            ["serverCpuPercentOfMachine"] = ServerShare * 100,
            ["benchCpuPercentOfMachine"] = BenchShare * 100,
        };
        // A context switch costs this paravirtualised machine far more than a request's own work (docs/performance.md).
        if (ServerSwitches is { } server && operations > 0) details["serverContextSwitchesPerOp"] = (double)server / operations;
        if (BenchSwitches is { } bench && operations > 0) details["benchContextSwitchesPerOp"] = (double)bench / operations;
        // What else ran on the cores meanwhile (other processes at any nice value, the kernel's threads and interrupts,
        // time the hypervisor took): on the reference machine other sessions' builds at nice 19 still took cores from the
        // open loop's short wake-ups, and a row measured beside them says so (docs/performance.md, "The query tail:
        // what starts a burst").
        if (MachineBusySeconds is { } busy && WallSeconds > 0)
            details["otherCpuPercentOfMachine"] =
                Math.Max(0, busy - ServerSeconds - BenchSeconds - (DatabaseSeconds ?? 0)) / WallSeconds / Environment.ProcessorCount * 100;
        if (DatabaseSeconds is { } database && WallSeconds > 0)
        {
            details["databaseCpuMsPerOp"] = operations > 0 ? database * 1000 / operations : 0;
            details["databaseCpuPercentOfMachine"] = database / WallSeconds / Environment.ProcessorCount * 100;
        }
        return details;
    }
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
        var database0 = DatabaseCpuSeconds();
        var switches0 = (Server: serverPid is { } pid1 ? ThreadContextSwitches(pid1) : null, Bench: ThreadContextSwitches(Environment.ProcessId));
        var machine0 = MachineBusySeconds();
        await Task.Delay(duration);
        var machine1 = MachineBusySeconds();
        var server1 = serverPid is { } pid2 ? ProcessCpuSeconds(pid2) : 0;
        var bench1 = Process.GetCurrentProcess().TotalProcessorTime.TotalSeconds;
        var database1 = DatabaseCpuSeconds();
        var switches1 = (Server: serverPid is { } pid3 ? ThreadContextSwitches(pid3) : null, Bench: ThreadContextSwitches(Environment.ProcessId));
        return new CpuUse(server1 - server0, bench1 - bench0, wall.Elapsed.TotalSeconds, database1 - database0,
            SwitchesBetween(switches0.Server, switches1.Server), SwitchesBetween(switches0.Bench, switches1.Bench), machine1 - machine0);
    }

    /// <summary>The machine's busy CPU so far, all cores, in seconds (<see cref="BusySeconds"/> of <c>/proc/stat</c>), or null without it.</summary>
    public static double? MachineBusySeconds()
    {
        try
        {
            using var stat = new StreamReader("/proc/stat");
            return stat.ReadLine() is { } all ? BusySeconds(all) : null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    /// <summary>
    /// The busy seconds of <c>/proc/stat</c>'s first line (<c>cpu user nice system idle iowait irq softirq steal ...</c>, in
    /// USER_HZ ticks, 100 a second): user + nice + system + irq + softirq + steal; idle and I/O wait are not busy, and guest
    /// time is already inside user and nice.
    /// </summary>
    /// <exception cref="FormatException">The line is not the all-cores <c>cpu</c> line with at least eight numbers.</exception>
    public static double BusySeconds(string cpuLine)
    {
        var fields = cpuLine.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (fields.Length < 9 || fields[0] != "cpu") throw new FormatException($"not /proc/stat's cpu line: {cpuLine}");
        long Ticks(int i) => long.Parse(fields[i], CultureInfo.InvariantCulture);
        const double ticksPerSecond = 100;
        return (Ticks(1) + Ticks(2) + Ticks(3) + Ticks(6) + Ticks(7) + Ticks(8)) / ticksPerSecond;
    }

    /// <summary>
    /// CPU of the PostgreSQL cluster whose postmaster <c>bench/postgres</c> names in <c>RUNHUB_BENCH_DATABASE_PID</c>: its own
    /// time, its ended children's (cutime + cstime, counted when they exit) and its live children's. Null without one.
    /// </summary>
    public static double? DatabaseCpuSeconds()
    {
        if (!int.TryParse(Environment.GetEnvironmentVariable("RUNHUB_BENCH_DATABASE_PID"), CultureInfo.InvariantCulture, out var postmaster)) return null;
        try
        {
            var total = StatCpuSeconds($"/proc/{postmaster}/stat", withEndedChildren: true);
            foreach (var dir in Directory.EnumerateDirectories("/proc"))
            {
                if (!int.TryParse(Path.GetFileName(dir), CultureInfo.InvariantCulture, out _)) continue;
                try
                {
                    var fields = StatFields($"{dir}/stat");
                    if (long.Parse(fields[1], CultureInfo.InvariantCulture) == postmaster) total += StatCpuSeconds($"{dir}/stat");
                }
                catch (IOException)
                {
                    // The process ended between the listing and the read: its time is in the postmaster's cutime now.
                }
            }
            return total;
        }
        catch (IOException)
        {
            return null;
        }
    }

    /// <summary>
    /// Context switches of each live thread of a process so far, by thread id (<c>voluntary_ctxt_switches</c> +
    /// <c>nonvoluntary_ctxt_switches</c> of each <c>/proc/PID/task/TID/status</c>), or null when the process is gone.
    /// </summary>
    public static Dictionary<int, long>? ThreadContextSwitches(int pid)
    {
        try
        {
            var counts = new Dictionary<int, long>();
            foreach (var task in Directory.EnumerateDirectories($"/proc/{pid}/task"))
            {
                if (!int.TryParse(Path.GetFileName(task), CultureInfo.InvariantCulture, out var tid)) continue;
                try
                {
                    long total = 0;
                    foreach (var line in File.ReadLines($"{task}/status"))
                        if (line.StartsWith("voluntary_ctxt_switches:", StringComparison.Ordinal) ||
                            line.StartsWith("nonvoluntary_ctxt_switches:", StringComparison.Ordinal))
                            total += long.Parse(line[(line.IndexOf(':') + 1)..].Trim(), CultureInfo.InvariantCulture);
                    counts[tid] = total;
                }
                catch (IOException)
                {
                    // The thread ended between the listing and the read.
                }
            }
            return counts;
        }
        catch (IOException)
        {
            return null;
        }
    }

    /// <summary>
    /// The context switches made between two readings of <see cref="ThreadContextSwitches"/> by the threads alive at the
    /// second: each one's count then, less its count at the first (none for a thread started in between, or for an id the
    /// kernel gave again to a new thread, whose count is lower). A thread that ended in between takes its switches with it
    /// (the kernel keeps no per-process total of ended threads that another process can read), so this is a lower bound,
    /// never negative; summing all live threads' totals instead went negative when the thread pool retired threads.
    /// Null when either reading is.
    /// </summary>
    public static long? SwitchesBetween(IReadOnlyDictionary<int, long>? start, IReadOnlyDictionary<int, long>? end)
    {
        if (start is null || end is null) return null;
        long switches = 0;
        foreach (var (tid, count) in end)
            switches += start.TryGetValue(tid, out var before) && before <= count ? count - before : count;
        return switches;
    }

    /// <summary>utime + stime of a process, from the fields after its name in /proc/PID/stat (in USER_HZ ticks, 100 per second on Linux).</summary>
    public static double ProcessCpuSeconds(int pid) => StatCpuSeconds($"/proc/{pid}/stat");

    /// <summary>utime + stime of a <c>stat</c> file of a process or one of its threads.</summary>
    /// <param name="withEndedChildren">Add the CPU of its children that ended and were waited for (cutime + cstime).</param>
    public static double StatCpuSeconds(string path, bool withEndedChildren = false)
    {
        var fields = StatFields(path);
        const double ticksPerSecond = 100;
        var ticks = long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture);
        if (withEndedChildren) ticks += long.Parse(fields[13], CultureInfo.InvariantCulture) + long.Parse(fields[14], CultureInfo.InvariantCulture);
        return ticks / ticksPerSecond;
    }

    /// <summary>The fields of a <c>stat</c> file after the process's name: [0] state, [1] parent pid, [11] utime, [12] stime.</summary>
    private static string[] StatFields(string path)
    {
        var stat = File.ReadAllText(path);
        return stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
    }
}
