namespace RunHub.Client;

/// <summary>
/// A task's state as the SDK reads it. RunningHub's <c>CREATE</c> is <see cref="Queued"/>; its <c>CANCEL</c> is
/// <see cref="Failed"/> (terminal). The server's own word stays in <see cref="RunHubTask.RawStatus"/>.
/// </summary>
public enum RunHubTaskStatus
{
    /// <summary>A status this SDK does not know; a wait keeps polling.</summary>
    Unknown,

    /// <summary>Waiting for a worker (<c>QUEUED</c> or <c>CREATE</c>).</summary>
    Queued,

    /// <summary>Running (<c>RUNNING</c>).</summary>
    Running,

    /// <summary>Finished with results (<c>SUCCESS</c>).</summary>
    Success,

    /// <summary>Finished without results (<c>FAILED</c>, <c>CANCEL</c>, or any task carrying an error code or message).</summary>
    Failed,
}
