namespace RunHub.Client;

/// <summary>
/// A wait reached its deadline while the task was still queued or running. The task goes on on the server:
/// resume with <see cref="RunHubClient.WaitAsync"/> and <see cref="RunHubException.TaskId"/>.
/// </summary>
public sealed class RunHubTimeoutException : RunHubException
{
    /// <summary>Creates the exception for a task whose wait reached its deadline.</summary>
    /// <param name="taskId">The task that is still running.</param>
    /// <param name="waited">How long the wait lasted.</param>
    /// <param name="lastError">The last transient error met while polling, if the last poll failed.</param>
    public RunHubTimeoutException(string taskId, TimeSpan waited, Exception? lastError = null)
        : base(RunHubErrorCodes.WaitTimeout, $"task {taskId} did not finish within {waited.TotalSeconds:0.###} s; it goes on on the server, wait for it again with its taskId", taskId, lastError)
    {
        Waited = waited;
    }

    /// <summary>How long the wait lasted before it gave up.</summary>
    public TimeSpan Waited { get; }
}
