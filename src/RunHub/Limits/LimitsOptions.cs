namespace RunHub.Limits;

/// <summary>
/// The server's limits on accounts (<c>RunHub:Limits</c>; docs/limits.md). 0 means no limit, the default for each:
/// out of the box only the wallet limits what an account runs.
/// </summary>
public sealed class LimitsOptions
{
    /// <summary>
    /// Requests a key may make per minute (fixed one-minute windows of the clock, counted in the database for every
    /// node), unless the key has its own rate (<c>runhub keys limits</c>); beyond it, 1003. 0: no limit.
    /// </summary>
    public int RequestsPerMinute { get; set; }

    /// <summary>
    /// Tasks of one account that run at once, on all nodes together; the account's other tasks wait QUEUED (or are
    /// refused, with <see cref="RefuseOverConcurrency"/>). 0: no limit.
    /// </summary>
    public int MaxRunningPerAccount { get; set; }

    /// <summary>Tasks of one account that may wait QUEUED; a submit beyond it is refused with 1011. 0: no limit.</summary>
    public int MaxQueuedPerAccount { get; set; }

    /// <summary>
    /// RunningHub's behaviour: a submit that would give the account more than <see cref="MaxRunningPerAccount"/> tasks
    /// queued or running is refused (1520; 421 on the workflow API) instead of waiting in the queue.
    /// </summary>
    public bool RefuseOverConcurrency { get; set; }

    /// <summary>
    /// MB (1,048,576 bytes) of uploads one account may keep at once: the sizes of its uploads not yet expired (they
    /// expire after its retention), unless the account has its own cap (<c>runhub accounts limits --uploads</c>); an
    /// upload that would pass it is refused with 1008 and nothing is stored. 0: no limit.
    /// </summary>
    public long MaxUploadMbPerAccount { get; set; } = 5120;

    /// <summary>
    /// Live (unrevoked) API keys one account may have; the console's Keys page creates no more (each key has its own
    /// <see cref="RequestsPerMinute"/>, so more keys would multiply it). The operator's <c>runhub keys create</c> is not
    /// held to it. 0: no limit.
    /// </summary>
    public int MaxKeysPerAccount { get; set; } = 50;
}
