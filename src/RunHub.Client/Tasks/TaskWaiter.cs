using System.Diagnostics;

namespace RunHub.Client;

/// <summary>Polls a task until it ends, the deadline passes, or the caller cancels.</summary>
internal static class TaskWaiter
{
    public static async Task<RunHubTask> WaitAsync(
        Func<string, CancellationToken, Task<RunHubTask>> query,
        string taskId,
        IProgress<TaskUpdate>? progress,
        TimeSpan timeout,
        TimeSpan interval,
        CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        // The deadline also bounds a poll in flight, so a wait never overruns it by a whole request timeout.
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout);
        RunHubTask? last = null;
        RunHubException? lastError = null;
        while (true)
        {
            RunHubTask? task = null;
            try
            {
                task = await query(taskId, deadline.Token).ConfigureAwait(false);
                lastError = null;
            }
            catch (RunHubException e) when (e.IsRetryable)
            {
                // The query's own retries are spent, but the task is likely still running: keep polling until the deadline.
                lastError = e;
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                throw new RunHubTimeoutException(taskId, clock.Elapsed, lastError) { TaskState = last };
            }

            if (task is not null)
            {
                if (last is null || Changed(last, task)) progress?.Report(new TaskUpdate(taskId, task.Status, clock.Elapsed, task));
                last = task;
                if (task.IsFailed) throw task.ToException();
                if (task.IsSuccess) return task;
            }

            try
            {
                await Task.Delay(interval, deadline.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                throw new RunHubTimeoutException(taskId, clock.Elapsed, lastError) { TaskState = last };
            }
        }
    }

    private static bool Changed(RunHubTask before, RunHubTask now) =>
        before.Status != now.Status
        || before.RawStatus != now.RawStatus
        || before.Results.Count != now.Results.Count
        || before.ErrorCode != now.ErrorCode
        || before.Progress != now.Progress;
}
