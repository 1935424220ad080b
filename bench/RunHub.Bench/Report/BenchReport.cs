namespace RunHub.Bench.Report;

/// <summary>Everything one run found, as written to the JSON file.</summary>
public sealed record BenchReport
{
    public required DateTimeOffset Date { get; init; }
    public required MachineInfo Machine { get; init; }

    /// <summary>The command that repeats this run.</summary>
    public required string Command { get; init; }

    /// <summary>This process's own command line, as the operating system saw it.</summary>
    public required string ProcessCommandLine { get; init; }

    public required BenchSettings Settings { get; init; }
    public required IReadOnlyList<ScenarioResult> Scenarios { get; init; }
    /// <summary>Null when the memory group was not run (<c>--only</c>).</summary>
    public MemoryResult? Memory { get; init; }
    /// <summary>Null when the sandbox-memory group was not run.</summary>
    public SandboxMemoryResult? SandboxMemory { get; init; }
    /// <summary>What hostile loads cost (empty when the hostile group was not run).</summary>
    public IReadOnlyList<HostileLoadResult> Hostile { get; init; } = [];
    public required IReadOnlyList<TargetResult> Targets { get; init; }
    public required IReadOnlyList<string> Notes { get; init; }
    public double TotalSeconds { get; init; }
}

/// <summary>The settings the run used.</summary>
public sealed record BenchSettings(double DurationSeconds, double WarmupSeconds, double SettleSeconds, int Concurrency, int Workers,
    int MemoryTasks, int PickupTasks, string Store)
{
    public static BenchSettings Of(BenchOptions options) => new(options.DurationSeconds, options.WarmupSeconds, options.SettleSeconds, options.Concurrency,
        options.Workers, options.MemoryTasks, options.PickupTasks, options.StoreName);
}
