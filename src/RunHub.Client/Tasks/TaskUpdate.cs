namespace RunHub.Client;

/// <summary>Progress of a wait, reported on each poll where the task changed (its status, or its progress on RunHub).</summary>
/// <param name="TaskId">The task being waited for.</param>
/// <param name="Status">Its state at this poll.</param>
/// <param name="Elapsed">Time since the wait began.</param>
/// <param name="Task">The task object of this poll.</param>
public sealed record TaskUpdate(string TaskId, RunHubTaskStatus Status, TimeSpan Elapsed, RunHubTask Task)
{
    /// <summary>How far the task got, when the server reports it (a RunHub extension); a change of it is an update too.</summary>
    public TaskProgress? Progress => Task.Progress;
}
