using System.Data.Common;
using RunHub.Data;
using RunHub.Tasks;

namespace RunHub.Limits;

/// <summary>
/// The queue limits of a submit (the account's <see cref="QueueLimits"/>), checked inside its transaction right after
/// its task is counted in the account's queue row (<c>account_queues</c>, <see cref="SqlDialect.CountQueuedInsert"/>),
/// which the transaction then holds, so two nodes submitting for one account at once see each other's tasks and cannot
/// both take the last place.
/// Without limits nothing is read.
/// </summary>
public static class QueueAdmission
{
    /// <summary>0: admitted; 1: over the queued limit; 2: over the running limit in refusal mode. The counts include this task.</summary>
    private const string Check =
        "SELECT CASE WHEN @maxQueued > 0 AND queued > @maxQueued THEN 1 " +
        "WHEN @maxRunning > 0 AND queued + running > @maxRunning THEN 2 ELSE 0 END FROM account_queues WHERE account_id = @accountId";

    /// <summary>Refuses the submit (rolling it back) when the account's queue, counting this task, is over one of <paramref name="limits"/>.</summary>
    /// <exception cref="SubmitRefusedException">1011 (<see cref="SubmitOutcome.QueueFull"/>) or, in refusal mode, 1520 (<see cref="SubmitOutcome.ConcurrencyLimit"/>).</exception>
    internal static async Task CheckAsync(DbConnection db, DbTransaction tx, string accountId, QueueLimits limits)
    {
        if (!limits.ChecksSubmits) return;
        var maxRunning = limits.RefuseOverConcurrency ? limits.MaxRunning : 0;
        var verdict = await db.ScalarCompiledAsync<long>(tx, Check, ("maxQueued", limits.MaxQueued), ("maxRunning", maxRunning), ("accountId", accountId));
        if (verdict == 1) throw new SubmitRefusedException(SubmitOutcome.QueueFull);
        if (verdict == 2) throw new SubmitRefusedException(SubmitOutcome.ConcurrencyLimit);
    }

    /// <summary>
    /// What a client is told for a refusal of <see cref="CheckAsync"/>, naming the account's own limit and when to retry,
    /// e.g. "queue full: this account may have at most 1000 tasks waiting; retry when some have started". Null for
    /// another outcome.
    /// </summary>
    public static string? Message(SubmitResult refused) => (refused.Outcome, refused.Limits) switch
    {
        (SubmitOutcome.QueueFull, { } limits) =>
            $"queue full: this account may have at most {limits.MaxQueued} tasks waiting; retry when some have started",
        (SubmitOutcome.ConcurrencyLimit, { } limits) =>
            $"concurrency limit reached: this account may have at most {limits.MaxRunning} tasks queued or running at once; retry when one has ended",
        _ => null,
    };
}
