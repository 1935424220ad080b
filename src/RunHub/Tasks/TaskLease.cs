namespace RunHub.Tasks;

/// <summary>
/// One worker's claim on one task, from <see cref="TaskQueue.ClaimAsync"/>. Every write a run makes — renewing,
/// progress, postponing, handing back, finishing — goes through its lease and is fenced in SQL by the lease's own
/// <see cref="Token"/>, unique to this claim. Once the task has been claimed again (the lease lapsed while the run
/// went on, on this node or another), the stale lease can do nothing: each call answers "lost" and writes nothing.
/// </summary>
public sealed class TaskLease
{
    private readonly TaskQueue _queue;

    internal TaskLease(TaskQueue queue, TaskRecord task, string token, TimeSpan duration)
    {
        _queue = queue;
        Task = task;
        Token = token;
        Duration = duration;
    }

    /// <summary>The task as it was claimed (status RUNNING, attempts counting this run).</summary>
    public TaskRecord Task { get; }

    /// <summary>128 random bits, hex: what fences this claim's writes.</summary>
    public string Token { get; }

    /// <summary>How long the lease lasts from its claim or its last renewal.</summary>
    public TimeSpan Duration { get; }

    /// <summary>
    /// Extends the lease by <see cref="Duration"/> and says whether it is still held, and whether the caller asked to
    /// cancel the task (a worker on any node sees a cancel here, at its next renewal).
    /// </summary>
    public Task<LeaseState> RenewAsync(CancellationToken cancellationToken = default) => _queue.RenewAsync(this, cancellationToken);

    /// <summary>Records the engine's latest progress (<see cref="ProgressReport"/> JSON). False when the lease is lost.</summary>
    public Task<bool> ReportProgressAsync(string progressJson) => _queue.ReportProgressAsync(this, progressJson);

    /// <summary>
    /// Hands a task whose backends are all busy back to the queue, not to be claimed before <paramref name="availableAtMs"/>
    /// (Unix ms). Its charge stays reserved and the run does not count as an attempt. False when the lease is lost.
    /// </summary>
    public Task<bool> PostponeAsync(long availableAtMs) => _queue.PostponeAsync(this, availableAtMs);

    /// <summary>
    /// Hands the task back to the queue at once because this node is stopping; another worker takes it. The run does
    /// not count as an attempt (a rolling restart must not use a task's attempts up). False when the lease is lost.
    /// </summary>
    public Task<bool> HandBackAsync() => _queue.HandBackAsync(this);

    /// <summary>
    /// Ends the task: SUCCESS with its charge settled, or FAILED/CANCEL with it released — or CANCEL whatever the run
    /// produced when the caller asked to cancel meanwhile. The status recorded, or null when the lease is lost.
    /// </summary>
    /// <exception cref="ArgumentException"><paramref name="outcome"/> is <see cref="RunOutcome.Postponed"/> (use <see cref="PostponeAsync"/>).</exception>
    public Task<string?> FinishAsync(RunOutcome outcome) => _queue.FinishAsync(this, outcome);

    /// <summary>The task's row as it is now, whoever holds it (null if it was deleted).</summary>
    public ValueTask<TaskRecord?> ReadTaskAsync() => _queue.FindAsync(Task.AccountId, Task.Id);
}

/// <summary>What a lease renewal found: the worker still holds the task, lost it, or should cancel it.</summary>
public enum LeaseState
{
    Held,
    Lost,
    CancelRequested,
}
