using System.Collections.Concurrent;
using RunHub.Catalog;

namespace RunHub.Engines;

/// <summary>
/// This node's view of every backend: how many tasks it runs on each right now, and which are out for a cool-down
/// after a retryable or connection error. State is per node and in memory: each node learns for itself.
/// </summary>
public sealed class BackendPool(TimeProvider time)
{
    private readonly ConcurrentDictionary<string, BackendState> _states = new(StringComparer.Ordinal);

    private readonly ConcurrentDictionary<BackendState, Entry> _entries = new();

    /// <summary>A backend this node has used: its engine, its label (<see cref="BackendLabel"/>) and its state.</summary>
    public sealed record Entry(string Engine, string Label, BackendState State);

    /// <summary>The same backend (engine and settings) in any model shares one state.</summary>
    /// <param name="label">How metrics name it (<see cref="BackendLabel"/>); the first label given for a backend is kept.</param>
    public BackendState StateOf(EngineBinding backend, string? label = null)
    {
        var state = _states.GetOrAdd(backend.Name + "\n" + (backend.Settings?.GetRawText() ?? ""), _ => new BackendState(time));
        if (label is not null) _entries.TryAdd(state, new Entry(backend.Name, label, state));
        return state;
    }

    /// <summary>Every backend this node has run a task on, for the metrics.</summary>
    public IReadOnlyCollection<Entry> Snapshot() => _entries.Values.ToList();
}

/// <summary>One backend as this node sees it.</summary>
public sealed class BackendState(TimeProvider time)
{
    private int _inFlight;
    private long _outUntilTicks;
    private int _out;

    public int InFlight => Volatile.Read(ref _inFlight);

    /// <summary>Out of the pool and still cooling down: not tried until the cool-down has passed.</summary>
    public bool IsCooling => IsOut && time.GetUtcNow().UtcTicks < Interlocked.Read(ref _outUntilTicks);

    /// <summary>Out of the pool (it failed); once the cool-down passed it must answer a health probe to come back.</summary>
    public bool IsOut => Volatile.Read(ref _out) == 1;

    public void TakeOut(TimeSpan cooldown)
    {
        Interlocked.Exchange(ref _outUntilTicks, (time.GetUtcNow() + cooldown).UtcTicks);
        Volatile.Write(ref _out, 1);
    }

    public void PutBack() => Volatile.Write(ref _out, 0);

    public IDisposable Enter()
    {
        Interlocked.Increment(ref _inFlight);
        return new Exit(this);
    }

    private sealed class Exit(BackendState state) : IDisposable
    {
        private int _done;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _done, 1) == 0) Interlocked.Decrement(ref state._inFlight);
        }
    }
}
