namespace RunHub.Bench.Load;

/// <summary>
/// The open loop's late answers, each with when it was due, grouped into bursts: requests due within
/// <see cref="BurstGapMs"/> of each other belong to one burst. A tail made of a few bursts is a stall (a collection, a
/// descheduled thread); one spread over many is a machine too busy throughout. Thread-safe.
/// </summary>
/// <param name="expected">How many to make room for at once (see <see cref="LoadSamples"/>).</param>
public sealed class LateRequests(int expected = 0)
{
    /// <summary>Late requests due less than this apart (ms) are one burst.</summary>
    public const double BurstGapMs = 10;

    private readonly List<(double DueMs, double LatencyMs)> _late = new(expected);

    /// <param name="dueMs">When the request was due, in ms since the measured window began.</param>
    /// <param name="latencyMs">From its due time to its answer, in ms.</param>
    public void Add(double dueMs, double latencyMs)
    {
        lock (_late) _late.Add((dueMs, latencyMs));
    }

    /// <summary>
    /// How many were late, in how many bursts, and the longest burst: from the first request's due time to the last
    /// one's answer, in ms (0 when none were late).
    /// </summary>
    public (int Count, int Bursts, double LongestBurstMs) Summary()
    {
        var bursts = Bursts(out var count);
        return (count, bursts.Count, bursts.Count == 0 ? 0 : bursts.Max(b => b.EndMs - b.StartMs));
    }

    /// <summary>
    /// How many bursts had one of <paramref name="pauses"/> (each from its start to its end, in ms since the measured
    /// window began, as the due times) between the burst's first due time and its last answer: the bursts a pause of
    /// the server could have made. A pause explains a late answer only if it fell between the request's due time and
    /// its answer.
    /// </summary>
    public int BurstsDuring(IReadOnlyList<(double StartMs, double EndMs)> pauses) =>
        Bursts(out _).Count(b => pauses.Any(p => p.StartMs <= b.EndMs && p.EndMs >= b.StartMs));

    /// <summary>The bursts in due order, each from its first request's due time to its last answer (ms).</summary>
    private List<(double StartMs, double EndMs)> Bursts(out int count)
    {
        (double DueMs, double LatencyMs)[] late;
        lock (_late) late = [.. _late.OrderBy(l => l.DueMs)];
        count = late.Length;
        var bursts = new List<(double StartMs, double EndMs)>();
        for (var i = 0; i < late.Length; i++)
        {
            var answered = late[i].DueMs + late[i].LatencyMs;
            if (i > 0 && late[i].DueMs - late[i - 1].DueMs <= BurstGapMs)
                bursts[^1] = (bursts[^1].StartMs, Math.Max(bursts[^1].EndMs, answered));
            else bursts.Add((late[i].DueMs, answered));
        }
        return bursts;
    }
}
