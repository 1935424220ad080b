namespace RunHub.Bench.Report;

/// <summary>
/// What a hostile load cost a fresh <c>--role api</c> server in resident memory (VmRSS, sampled every 10 ms): before,
/// at its peak while the load ran, and after. <see cref="Answered"/> requests got a JSON answer, <see cref="Closed"/>
/// had their connection closed by the server (a refusal of a body it would not read to its end).
/// </summary>
public sealed record HostileLoadResult
{
    public required string Name { get; init; }

    /// <summary>What was sent, in words.</summary>
    public required string Load { get; init; }

    public long BeforeBytes { get; init; }
    public long PeakBytes { get; init; }
    public long AfterBytes { get; init; }
    public int Requests { get; init; }
    public int Answered { get; init; }
    public int Closed { get; init; }

    /// <summary>Bytes the clients managed to send, all requests together.</summary>
    public long BytesSent { get; init; }

    public long PeakExtraBytes => PeakBytes - BeforeBytes;
}
