namespace RunHub.Client;

/// <summary>Progress of a wait, reported on each poll where the task changed (first of all its status).</summary>
/// <param name="TaskId">The task being waited for.</param>
/// <param name="Status">Its state at this poll.</param>
/// <param name="Elapsed">Time since the wait began.</param>
/// <param name="Task">The task object of this poll.</param>
public sealed record TaskUpdate(string TaskId, RunHubTaskStatus Status, TimeSpan Elapsed, RunHubTask Task);
