using Microsoft.Extensions.Options;

namespace RunHub.Tasks;

/// <summary>
/// The node's engine slots: <see cref="QueueOptions.Workers"/> tasks may be on an engine at once. A worker loop takes a
/// slot before it claims a task and gives it up while the task fetches its inputs (<see cref="TaskRunner"/>), so a
/// slow input holds a fetching place (<see cref="QueueOptions.FetchingTasks"/>), never an engine.
/// </summary>
public sealed class EngineSlots(IOptions<RunHubOptions> options)
{
    private readonly SemaphoreSlim _free = new(Math.Max(1, options.Value.Queue.Workers));

    /// <summary>A handle for one worker loop, holding at most one slot at a time.</summary>
    public EngineSlot Open() => new(_free);
}

/// <summary>One worker loop's hold on an engine slot: entered, left, entered again; disposing leaves it.</summary>
public sealed class EngineSlot : IDisposable
{
    private readonly SemaphoreSlim _free;

    internal EngineSlot(SemaphoreSlim free) => _free = free;

    public bool IsHeld { get; private set; }

    /// <summary>Waits for a free slot (first come, first served) and holds it; nothing when already held.</summary>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled first.</exception>
    public async Task EnterAsync(CancellationToken cancellationToken)
    {
        if (IsHeld) return;
        await _free.WaitAsync(cancellationToken);
        IsHeld = true;
    }

    /// <summary>Gives the slot to the next waiting loop; nothing when not held.</summary>
    public void Leave()
    {
        if (!IsHeld) return;
        IsHeld = false;
        _free.Release();
    }

    public void Dispose() => Leave();
}
