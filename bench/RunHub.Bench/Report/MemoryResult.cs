namespace RunHub.Bench.Report;

/// <summary>Resident memory of a <c>--role api</c> server empty and with <see cref="Tasks"/> queued tasks, both read after the same warm-up load.</summary>
public sealed record MemoryResult
{
    /// <summary>Tasks the server was asked to queue.</summary>
    public int Tasks { get; init; }

    /// <summary>Tasks the database holds as QUEUED afterwards.</summary>
    public long QueuedInDatabase { get; init; }

    public long EmptyBytes { get; init; }
    public long FullBytes { get; init; }

    /// <summary>The largest resident size the server reached during the run (VmHWM).</summary>
    public long PeakBytes { get; init; }

    /// <summary>Submits per second while filling the queue, and in its first and last tenth.</summary>
    public double FillRate { get; init; }
    public double FillRateFirstTenth { get; init; }
    public double FillRateLastTenth { get; init; }

    public long FillErrors { get; init; }
    public IReadOnlyList<string> ErrorMessages { get; init; } = [];

    public long ExtraBytes => FullBytes - EmptyBytes;

    /// <summary>The extra memory scaled linearly to 100,000 tasks (the target's size) when fewer were queued.</summary>
    public double ExtraBytesPer100k => QueuedInDatabase > 0 ? ExtraBytes * 100_000.0 / QueuedInDatabase : 0;
}
