namespace RunHub.Tasks;

public enum SubmitOutcome
{
    /// <summary>A new task, its price reserved.</summary>
    Created,
    /// <summary>The idempotency key was used before with the same request: its earlier task, nothing charged.</summary>
    Replayed,
    /// <summary>The idempotency key was used before with a different request: nothing written.</summary>
    KeyReused,
    /// <summary>The wallet cannot cover the price: nothing written.</summary>
    InsufficientBalance,
    /// <summary>The submitting key's spend cap cannot cover the price (812): nothing written.</summary>
    SpendCapReached,
    /// <summary>The account already has as many tasks waiting as it may (1011): nothing written.</summary>
    QueueFull,
    /// <summary>The account has as many tasks as it may run at once and the server refuses rather than queues (1520): nothing written.</summary>
    ConcurrencyLimit,
}

/// <summary>What a submit did; <see cref="Task"/> is set when it was Created or Replayed.</summary>
public sealed record SubmitResult(SubmitOutcome Outcome, TaskRecord? Task)
{
    /// <summary>For <see cref="SubmitOutcome.QueueFull"/> and <see cref="SubmitOutcome.ConcurrencyLimit"/>: the account's limits that refused it.</summary>
    public Limits.QueueLimits? Limits { get; init; }
}
