namespace RunHub.Data;

/// <summary>The SQL that differs between SQLite and PostgreSQL; everything else is written once for both.</summary>
public sealed record SqlDialect
{
    /// <summary>
    /// Ends the query that picks the next runnable task. PostgreSQL: <c>FOR UPDATE SKIP LOCKED</c>, so workers of
    /// several nodes each take a different task without waiting for each other. SQLite has one writer at a time.
    /// </summary>
    public required string ClaimLock { get; init; }

    /// <summary>
    /// Ends a query that must read its rows under their lock for the rest of the transaction (an account's queue
    /// counts, so its running limit holds for every node's workers). PostgreSQL: <c>FOR UPDATE</c>; SQLite: nothing,
    /// it has one writer at a time.
    /// </summary>
    public required string RowLock { get; init; }

    /// <summary>Takes a transaction-long lock on the parameter <c>@lockName</c>; null where writers are serialized anyway.</summary>
    public required string? NamedLock { get; init; }

    /// <summary>
    /// Whether concurrent submits should share one transaction (<see cref="GroupCommit"/>): worth it where each
    /// commit is a file sync of a single writer (SQLite), not where the server already groups commits itself.
    /// </summary>
    public required bool GroupsCommits { get; init; }

    /// <summary>
    /// Counts a submit's new <c>QUEUED</c> task of <c>@AccountId</c> in the account's queue row (<c>account_queues</c>),
    /// run in the submit's transaction before the task's insert; null where a trigger on <c>tasks</c> counts every
    /// insert. SQLite (schema step 17 drops its trigger): a trigger on the insert made SQLite keep a statement journal
    /// for it, a copy of every page the insert changed (the task's table and five indexes, the queue row), besides
    /// running the trigger's program: about 9% of the server's CPU in the bench's submit row (docs/performance.md). PostgreSQL keeps its
    /// statement-level trigger: the cost there is a round trip, not the trigger, and a node of an older version still
    /// running during an upgrade relies on it to count its submits.
    /// </summary>
    public required string? CountQueuedInsert { get; init; }
}
