using RunHub.Catalog;
using RunHub.Client;
using RunHub.Data;

namespace RunHub.Tasks;

/// <summary>
/// A task's two deadlines, both failing it with 1006 (its charge released): the start deadline
/// (<see cref="QueueOptions.StartDeadlineSeconds"/>, from the submit to the first start) and the run deadline (the
/// model's <see cref="ModelEntry.Timeout"/>, from the first start to the end, whatever runs and waits for busy
/// backends happen in between). The worker checks both when it claims a task and stops the engine at the run
/// deadline; the maintenance job fails queued tasks no worker reached in time (<see cref="OverdueTasks"/>).
/// </summary>
public static class TaskDeadlines
{
    /// <summary>1006 for a task that started (or is claimed now, <see cref="TaskRecord.StartedAt"/>) after its start deadline; else null.</summary>
    public static RunOutcome.Failed? MissedStart(TaskRecord task, QueueOptions queue)
    {
        var waited = (task.StartedAt ?? task.CreatedAt) - task.CreatedAt;
        return waited > StartDeadlineMs(queue) ? StartTimedOut(queue) : null;
    }

    /// <summary>The start deadline in ms.</summary>
    public static long StartDeadlineMs(QueueOptions queue) => (long)(queue.StartDeadlineSeconds * 1000);

    public static RunOutcome.Failed StartTimedOut(QueueOptions queue) =>
        new(RunHubErrorCodes.TaskTimedOut, $"the task waited in the queue longer than its start deadline of {queue.StartDeadlineSeconds:0} s");

    /// <summary>What is left of the run deadline now (zero or less: it has passed).</summary>
    public static TimeSpan RunTimeLeft(TaskRecord task, ModelEntry model, TimeProvider clock)
    {
        var now = clock.NowMs();
        return TimeSpan.FromMilliseconds((task.StartedAt ?? now) + (long)model.Timeout.TotalMilliseconds - now);
    }

    /// <summary>How long an engine told to stop at the deadline has to do so before the task ends without it.</summary>
    public static readonly TimeSpan StopGrace = TimeSpan.FromSeconds(30);

    /// <summary>Waits until the engine's call <paramref name="running"/> has ended, at most <see cref="StopGrace"/> on <paramref name="clock"/>.</summary>
    public static async Task LetStopAsync(Task running, TimeProvider clock)
    {
        try
        {
            await running.WaitAsync(StopGrace, clock);
        }
        catch (Exception)
        {
            // Stopped (usually by throwing its cancellation), or still running past the grace: either way, done waiting.
        }
    }

    public static RunOutcome.Failed RunTimedOut(ModelEntry model, string? why = null) =>
        new(RunHubErrorCodes.TaskTimedOut,
            $"the task did not finish within its deadline of {model.Timeout.TotalSeconds:0} s" + (why is null ? "" : ": " + why));
}
