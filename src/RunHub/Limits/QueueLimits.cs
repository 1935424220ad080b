namespace RunHub.Limits;

/// <summary>
/// The queue limits one account is held to: its own (<c>runhub accounts limits</c>, a RunHub extension) where an
/// operator set them, else the server's <c>RunHub:Limits</c> (docs/limits.md). 0 is no limit.
/// </summary>
/// <param name="MaxRunning">Tasks of the account that run at once, on all nodes together; more wait QUEUED (or are refused, with <paramref name="RefuseOverConcurrency"/>).</param>
/// <param name="MaxQueued">Tasks of the account that may wait QUEUED; a submit beyond it is refused with 1011.</param>
/// <param name="RefuseOverConcurrency">The server's refusal mode: a submit that would give the account more than <paramref name="MaxRunning"/> tasks queued or running is refused (1520; 421 on the v1 workflow API).</param>
public sealed record QueueLimits(long MaxRunning, long MaxQueued, bool RefuseOverConcurrency)
{
    /// <summary>Nothing limited.</summary>
    public static QueueLimits None { get; } = new(0, 0, false);

    /// <summary>The limits of an account with its own values (null: the server's) over the server's.</summary>
    public static QueueLimits Of(LimitsOptions server, long? ownMaxRunning, long? ownMaxQueued) =>
        new(ownMaxRunning ?? Math.Max(0, server.MaxRunningPerAccount), ownMaxQueued ?? Math.Max(0, server.MaxQueuedPerAccount), server.RefuseOverConcurrency);

    /// <summary>Whether a submit must read the account's queue counts: some limit could refuse it.</summary>
    public bool ChecksSubmits => MaxQueued > 0 || (RefuseOverConcurrency && MaxRunning > 0);
}
