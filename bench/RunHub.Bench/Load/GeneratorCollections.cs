using System.Runtime;

namespace RunHub.Bench.Load;

/// <summary>
/// Keeps the load generator's own garbage collector out of an open-loop window. The generator's threads stop while it
/// collects, every request due meanwhile goes out late, and its latency from the due time is counted against the
/// server. So the window runs inside a no-GC region (<see cref="GC.TryStartNoGCRegion(long)"/>) sized for what the
/// window's requests allocate, at most a quarter of the memory the process may use. If the generator allocates more,
/// the runtime ends the region with a collection; <see cref="Collections"/> then says how many the window had.
/// When the window ends, a full collection that gives back the region's memory (<see cref="GCCollectionMode.Aggressive"/>)
/// puts the generator's heap back as it was: without it the rows measured after an open loop allocated into the rest of
/// the region's untouched memory, and paid for its first touches (page faults, the kernel's and the runtime's zeroing) in
/// the generator's CPU, twice its CPU a submit in the <c>submit</c> row after <c>query-rate</c> against the
/// <c>submit-limits</c> row of the same run (docs/performance.md, 2026-12-02).
/// </summary>
internal sealed class GeneratorCollections : IDisposable
{
    /// <summary>What the generator allocates per open-loop request, with room to spare (about 4 KB measured on 2026-12-01).</summary>
    public const long BytesPerRequest = 8 << 10;

    private readonly int _gen0AtStart = GC.CollectionCount(0);
    private int? _collections;

    private GeneratorCollections(bool regionStarted) => RegionStarted = regionStarted;

    /// <summary>Whether the no-GC region began (false when the runtime could not reserve the memory).</summary>
    public bool RegionStarted { get; }

    /// <summary>The generator's collections (of any generation) from <see cref="Suspend"/> to <see cref="Dispose"/>, or so far.</summary>
    public int Collections => _collections ?? GC.CollectionCount(0) - _gen0AtStart;

    /// <summary>Starts a no-GC region for <paramref name="requests"/> requests' allocations.</summary>
    public static GeneratorCollections Suspend(long requests)
    {
        var ceiling = GC.GetGCMemoryInfo().TotalAvailableMemoryBytes / 4;
        var bytes = Math.Min(ceiling, requests * BytesPerRequest + (64L << 20));
        bool started;
        try
        {
            started = GC.TryStartNoGCRegion(bytes);
        }
        catch (Exception e) when (e is ArgumentOutOfRangeException or InvalidOperationException)
        {
            // More than this runtime's region can hold, or a region already under way (two loops of one process, as in
            // the test suite): measure without one, and Collections says what that cost.
            started = false;
        }
        return new GeneratorCollections(started);
    }

    /// <summary>
    /// Ends the region if the runtime has not ended it already, fixes <see cref="Collections"/>, and, when a region began,
    /// collects everything with the region's memory given back, so that what runs next allocates as it would have without it.
    /// </summary>
    public void Dispose()
    {
        if (_collections is not null) return;
        _collections = GC.CollectionCount(0) - _gen0AtStart;
        if (!RegionStarted) return;
        if (GCSettings.LatencyMode == GCLatencyMode.NoGCRegion) GC.EndNoGCRegion();
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Aggressive, blocking: true, compacting: true);
    }
}
