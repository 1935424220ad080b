using System.Data.Common;
using RunHub.Data;
using RunHub.Tasks;

namespace RunHub.Limits;

/// <summary>
/// The queue limits of a submit (<see cref="LimitsOptions"/>), checked inside its transaction right after its task row
/// is written: the trigger that counts the account's tasks (<c>account_queues</c>) then holds the account's row, so two
/// nodes submitting for one account at once see each other's tasks and cannot both take the last place. Without
/// limits nothing is read.
/// </summary>
public static class QueueAdmission
{
    /// <summary>0: admitted; 1: over the queued limit; 2: over the running limit in refusal mode. The counts include this task.</summary>
    private const string Check =
        "SELECT CASE WHEN @maxQueued > 0 AND queued > @maxQueued THEN 1 " +
        "WHEN @maxRunning > 0 AND queued + running > @maxRunning THEN 2 ELSE 0 END FROM account_queues WHERE account_id = @accountId";

    /// <summary>Refuses the submit (rolling it back) when the account's queue, counting this task, is over a limit.</summary>
    /// <exception cref="SubmitRefusedException">1011 (<see cref="SubmitOutcome.QueueFull"/>) or, in refusal mode, 1520 (<see cref="SubmitOutcome.ConcurrencyLimit"/>).</exception>
    internal static async Task CheckAsync(DbConnection db, DbTransaction tx, string accountId, LimitsOptions limits)
    {
        long maxQueued = Math.Max(0, limits.MaxQueuedPerAccount);
        long maxRunning = limits.RefuseOverConcurrency ? Math.Max(0, limits.MaxRunningPerAccount) : 0;
        if (maxQueued == 0 && maxRunning == 0) return;
        var verdict = await db.ScalarCompiledAsync<long>(tx, Check, ("maxQueued", maxQueued), ("maxRunning", maxRunning), ("accountId", accountId));
        if (verdict == 1) throw new SubmitRefusedException(SubmitOutcome.QueueFull);
        if (verdict == 2) throw new SubmitRefusedException(SubmitOutcome.ConcurrencyLimit);
    }

    /// <summary>
    /// What a client is told for a refusal of <see cref="CheckAsync"/>: the limit and when to retry, e.g. "queue full: this
    /// account may have at most 1000 tasks waiting; retry when some have started". Null for another outcome.
    /// </summary>
    public static string? Message(SubmitOutcome outcome, LimitsOptions limits) => outcome switch
    {
        SubmitOutcome.QueueFull =>
            $"queue full: this account may have at most {limits.MaxQueuedPerAccount} tasks waiting; retry when some have started",
        SubmitOutcome.ConcurrencyLimit =>
            $"concurrency limit reached: this account may have at most {limits.MaxRunningPerAccount} tasks queued or running at once; retry when one has ended",
        _ => null,
    };
}
