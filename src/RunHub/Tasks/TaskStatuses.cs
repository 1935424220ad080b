namespace RunHub.Tasks;

/// <summary>The wire values of a task's status.</summary>
public static class TaskStatuses
{
    public const string Queued = "QUEUED";
    public const string Running = "RUNNING";
    public const string Success = "SUCCESS";
    public const string Failed = "FAILED";
    /// <summary>Cancelled by the caller (RunningHub's word for it); the charge is released.</summary>
    public const string Cancel = "CANCEL";

    /// <summary>Every status, in the order a task can reach them.</summary>
    public static readonly IReadOnlyList<string> All = [Queued, Running, Success, Failed, Cancel];
}
