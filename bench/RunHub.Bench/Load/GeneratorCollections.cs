using System.Runtime;

namespace RunHub.Bench.Load;

/// <summary>
/// Keeps the load generator's own garbage collector out of an open-loop window. The generator's threads stop while it
/// collects, every request due meanwhile goes out late, and its latency from the due time is counted against the
/// server. So the window runs inside a no-GC region (<see cref="GC.TryStartNoGCRegion(long)"/>) sized for what the
/// window's requests allocate, at most a quarter of the memory the process may use. If the generator allocates more,
/// the runtime ends the region with a collection; <see cref="Collections"/> then says how many the window had.
/// After the row, its caller gives the region's memory back (<see cref="GiveBack"/>), once the row's CPU has been read.
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

    /// <summary>Ends the region if the runtime has not ended it already, and fixes <see cref="Collections"/>.</summary>
    public void Dispose()
    {
        if (_collections is not null) return;
        _collections = GC.CollectionCount(0) - _gen0AtStart;
        if (!RegionStarted || GCSettings.LatencyMode != GCLatencyMode.NoGCRegion) return;
        try
        {
            GC.EndNoGCRegion();
        }
        catch (InvalidOperationException)
        {
            // The runtime ended the region itself (an allocation past its size) between the check and the call.
        }
    }

    /// <summary>
    /// Collects the whole heap and gives the memory of ended no-GC regions back to the system
    /// (<see cref="GCCollectionMode.Aggressive"/>): a blocking pause of the bench, to be taken after an open-loop row's
    /// CPU has been read. Without it the rows measured after an open loop allocated into the rest of its region's
    /// memory, never touched, and paid for each page's first touch (a page fault, the kernel's and the runtime's
    /// zeroing) in the bench's own CPU: 0.057–0.081 ms a submit in the <c>submit</c> row right after <c>query-rate</c>,
    /// against 0.032–0.045 ms in the same runs' <c>submit-limits</c> (docs/performance.md, 2026-12-02).
    /// </summary>
    public static void GiveBack() => GC.Collect(GC.MaxGeneration, GCCollectionMode.Aggressive, blocking: true, compacting: true);
}
