namespace RunHub.Bench.Report;

/// <summary>The sandbox's memory under hostile images: a server's peak resident size while every worker decodes a huge, small PNG.</summary>
public sealed record SandboxMemoryResult
{
    public int Workers { get; init; }
    public int Tasks { get; init; }
    public long Succeeded { get; init; }

    /// <summary>Tasks that ended (SUCCESS, or FAILED with the sandbox's refusal) within the time limit.</summary>
    public long Ended { get; init; }

    /// <summary>Size of the input file, bytes, and the pixels it would decode to whole.</summary>
    public long InputBytes { get; init; }
    public long InputPixels { get; init; }

    /// <summary>VmRSS before the tasks, and VmHWM after them.</summary>
    public long BeforeBytes { get; init; }
    public long PeakBytes { get; init; }

    public double Seconds { get; init; }
    public IReadOnlyList<string> ErrorMessages { get; init; } = [];
}
