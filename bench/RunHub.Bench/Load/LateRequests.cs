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
        (double DueMs, double LatencyMs)[] late;
        lock (_late) late = [.. _late.OrderBy(l => l.DueMs)];
        if (late.Length == 0) return (0, 0, 0);
        var bursts = 1;
        var longest = 0.0;
        var start = late[0].DueMs;
        var end = late[0].DueMs + late[0].LatencyMs;
        for (var i = 1; i < late.Length; i++)
        {
            if (late[i].DueMs - late[i - 1].DueMs > BurstGapMs)
            {
                longest = Math.Max(longest, end - start);
                bursts++;
                start = late[i].DueMs;
                end = late[i].DueMs + late[i].LatencyMs;
            }
            else end = Math.Max(end, late[i].DueMs + late[i].LatencyMs);
        }
        return (late.Length, bursts, Math.Max(longest, end - start));
    }
}
