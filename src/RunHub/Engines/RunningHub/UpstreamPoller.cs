using RunHub.Client;

namespace RunHub.Engines.RunningHub;

/// <summary>
/// Follows one upstream task with <c>POST /openapi/v2/query</c> until it ends, waiting longer between polls as
/// it runs on (RunningHub tasks take seconds to many minutes) and reporting each status change as progress.
/// Polls that fail in transit are tolerated up to <see cref="RunningHubSettings.MaxFailedPolls"/> in a row.
/// </summary>
internal sealed class UpstreamPoller(RunHubClient client, RunningHubSettings settings, UpstreamFailures failures, IProgress<EngineProgress> progress)
{
    /// <summary>Whether the upstream task was seen to end (SUCCESS, FAILED or CANCEL): nothing is left to cancel.</summary>
    public bool Ended { get; private set; }

    public async Task<RunHubTask> WaitAsync(RunHubTask submitted, CancellationToken cancellationToken)
    {
        var id = submitted.TaskId;
        var interval = settings.PollInterval;
        var failedInARow = 0;
        var lastStatus = "";
        var task = submitted;
        while (true)
        {
            if (task.RawStatus != lastStatus)
            {
                lastStatus = task.RawStatus;
                Report(task);
            }
            switch (task.Status)
            {
                case RunHubTaskStatus.Success:
                    Ended = true;
                    return task;
                case RunHubTaskStatus.Failed:
                    Ended = true;
                    throw failures.TaskFailed(task);
                case RunHubTaskStatus.Unknown:
                    throw failures.Malformed($"upstream task {id} has the unknown status '{task.RawStatus}'");
            }

            await Task.Delay(interval, cancellationToken).ConfigureAwait(false);
            interval = TimeSpan.FromTicks(Math.Min((long)(interval.Ticks * 1.5), settings.MaxPollInterval.Ticks));
            try
            {
                task = await client.QueryAsync(id, cancellationToken).ConfigureAwait(false);
                failedInARow = 0;
            }
            catch (RunHubException e) when (UpstreamFailures.QueryMayRecover(e) && ++failedInARow < settings.MaxFailedPolls)
            {
                // The task goes on upstream whatever happened to this one answer; ask again at the next poll.
            }
            catch (RunHubException e)
            {
                throw failures.QueryFailed(id, e, failedInARow);
            }
        }
    }

    private void Report(RunHubTask task) => progress.Report(task.Status switch
    {
        RunHubTaskStatus.Running => new EngineProgress(Node: "upstream RUNNING", QueuePosition: 0),
        RunHubTaskStatus.Success => new EngineProgress(Percent: 100, Node: "upstream SUCCESS"),
        _ => new EngineProgress(Node: "upstream " + task.RawStatus),
    });
}
