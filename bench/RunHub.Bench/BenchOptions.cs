namespace RunHub.Bench;

/// <summary>The settings of one benchmark run. The defaults are the documented full run.</summary>
public sealed record BenchOptions
{
    /// <summary>Measured time of each scenario, after its warm-up.</summary>
    public double DurationSeconds { get; init; } = 10;

    /// <summary>Load before each measurement, thrown away: JIT tiering, connection pools and SQLite caches settle in it.</summary>
    public double WarmupSeconds { get; init; } = 3;

    /// <summary>Before its warm-up, a scenario's load runs until the JIT compiler is quiet, for at most this long (0: not at all).</summary>
    public double SettleSeconds { get; init; } = 30;

    public TimeSpan SettleLimit => TimeSpan.FromSeconds(SettleSeconds);

    /// <summary>Closed-loop clients (and tasks kept in flight end to end).</summary>
    public int Concurrency { get; init; } = 32;

    /// <summary>Task workers of the server, and the parallelism the sandbox engine is timed with alone.</summary>
    public int Workers { get; init; } = DefaultWorkers;

    /// <summary>Hostile edits per worker in the sandbox-memory scenario (its server has 8 workers).</summary>
    public int SandboxMemoryTasksPerWorker { get; init; } = 3;
    /// <summary>Size of each body the hostile group's clients send, in MB (issue 11 measured 100).</summary>
    public int HostileBodyMb { get; init; } = 100;

    /// <summary>Size of each file the uploads group's 20 clients upload at once, in MB (issue 12's target is for 30).</summary>
    public int UploadMb { get; init; } = 30;

    /// <summary>Queued tasks the memory scenario fills the API server with.</summary>
    public int MemoryTasks { get; init; } = 100_000;

    /// <summary>At most this many tasks in the pickup scenario, which otherwise runs for <see cref="DurationSeconds"/>.</summary>
    public int PickupTasks { get; init; } = 1000;

    /// <summary>Tasks whose webhooks the webhooks scenario delivers (each submitted with a <c>webhookUrl</c>, then cancelled).</summary>
    public int WebhookTasks { get; init; } = 2000;

    /// <summary>Where the Markdown and JSON reports go; the repository's <c>bench/results/</c> when empty.</summary>
    public string? OutputDir { get; init; }

    /// <summary>The server program; the <c>runhub.dll</c> built beside the bench when empty.</summary>
    public string? RunHubDll { get; init; }

    /// <summary>Also run the open loop from the HttpClient-based <c>BenchClient</c> at the same rate (<c>query-rate-httpclient</c>), to compare the two generators in one run.</summary>
    public bool CompareHttpClient { get; init; }

    /// <summary>The scenario groups to run (<see cref="AllGroups"/> by default): a lead timing one change can run only its group.</summary>
    public IReadOnlyList<string> Groups { get; init; } = AllGroups;

    /// <summary>
    /// api (baseline, query, query-rate, submit, submit-accounts, submit-limits; on PostgreSQL also query-sqlite), engine, e2e (needs
    /// engine), pickup, webhooks (deliveries per second), memory, console (issue 15's pages with many tasks), hostile
    /// (what attacks cost), uploads (memory of concurrent large uploads), sandbox-memory, input (input-check).
    /// </summary>
    public static IReadOnlyList<string> AllGroups { get; } = ["api", "engine", "e2e", "pickup", "webhooks", "memory", "console", "hostile", "uploads", "sandbox-memory", "input"];

    /// <summary>Tasks written into the console group's account before its pages are timed (issue 15's target is for 1,000,000).</summary>
    public int ConsoleTasks { get; init; } = 1_000_000;

    public bool Runs(string group) => Groups.Contains(group, StringComparer.OrdinalIgnoreCase);

    /// <summary>
    /// A PostgreSQL connection string (to a database the bench may create databases from, e.g. <c>postgres</c>):
    /// each group's server then runs on a fresh database of its own there instead of SQLite.
    /// </summary>
    public string? Postgres { get; init; }

    /// <summary>The store the servers run on, as reports name it.</summary>
    public string StoreName => string.IsNullOrWhiteSpace(Postgres) ? "sqlite" : "postgres";

    /// <summary>The command that started this run, as the report shows it.</summary>
    public string Command { get; init; } = "";

    /// <summary>The server's own default (<c>RunHub:Queue:Workers</c>), so the bench measures what users get.</summary>
    public static int DefaultWorkers => Math.Max(2, Environment.ProcessorCount * 2);

    public TimeSpan Duration => TimeSpan.FromSeconds(DurationSeconds);
    public TimeSpan Warmup => TimeSpan.FromSeconds(WarmupSeconds);

    public string ResolvedRunHubDll => string.IsNullOrWhiteSpace(RunHubDll)
        ? Path.Combine(AppContext.BaseDirectory, "runhub.dll")
        : Path.GetFullPath(RunHubDll);

    public string ResolvedOutputDir => string.IsNullOrWhiteSpace(OutputDir) ? DefaultOutputDir() : Path.GetFullPath(OutputDir);

    /// <summary><c>bench/results/</c> of the checkout the bench runs from (gitignored), found upwards from here.</summary>
    private static string DefaultOutputDir()
    {
        foreach (var start in new[] { Environment.CurrentDirectory, AppContext.BaseDirectory })
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
                if (File.Exists(Path.Combine(dir.FullName, "RunHub.slnx")))
                    return Path.Combine(dir.FullName, "bench", "results");
        }
        return Path.GetFullPath(Path.Combine("bench", "results"));
    }
}
