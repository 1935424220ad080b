using System.Text.Json;

namespace RunHub.Client;

/// <summary>A task as the server last described it: RunningHub's task object, read from any of its envelopes.</summary>
public sealed class RunHubTask
{
    /// <summary>The task id: a decimal string (kept a string, it does not fit a double).</summary>
    public required string TaskId { get; init; }

    /// <summary>
    /// The state: <see cref="RunHubTaskStatus.Failed"/> whenever <see cref="ErrorCode"/> or <see cref="ErrorMessage"/>
    /// is non-empty, whatever the raw status says (RunningHub clients treat any error as a failure).
    /// </summary>
    public RunHubTaskStatus Status { get; init; }

    /// <summary>The status word as the server sent it (<c>QUEUED</c>, <c>CREATE</c>, <c>CANCEL</c>, ...).</summary>
    public string RawStatus { get; init; } = "";

    /// <summary>The error code; <c>""</c> when there is none.</summary>
    public string ErrorCode { get; init; } = "";

    /// <summary>The error message; <c>""</c> when there is none.</summary>
    public string ErrorMessage { get; init; } = "";

    /// <summary>The outputs of a successful task (empty until then).</summary>
    public IReadOnlyList<TaskResult> Results { get; init; } = [];

    /// <summary>RunningHub's per-task client id, when sent.</summary>
    public string? ClientId { get; init; }

    /// <summary>ComfyUI-style validation report, a JSON string, when sent.</summary>
    public string? PromptTips { get; init; }

    /// <summary>What the task cost, once known.</summary>
    public TaskUsage? Usage { get; init; }

    /// <summary>How far a running task got, when the server says (a RunHub extension; null on RunningHub).</summary>
    public TaskProgress? Progress { get; init; }

    /// <summary>The task object exactly as received (for fields this SDK does not map).</summary>
    public JsonElement Raw { get; init; }

    /// <summary>Whether the task has finished, with or without success.</summary>
    public bool IsTerminal => Status is RunHubTaskStatus.Success or RunHubTaskStatus.Failed;

    /// <summary>Whether the task finished with results.</summary>
    public bool IsSuccess => Status == RunHubTaskStatus.Success;

    /// <summary>Whether the task failed or was cancelled.</summary>
    public bool IsFailed => Status == RunHubTaskStatus.Failed;

    /// <summary>
    /// The exception a failed task stands for: its error code and message. A task that failed without a code gets
    /// <c>"CANCEL"</c> when it was cancelled, else <c>"FAILED"</c>.
    /// </summary>
    public RunHubException ToException()
    {
        var ending = RawStatus.Equals("CANCEL", StringComparison.OrdinalIgnoreCase) ? "CANCEL" : "FAILED";
        var code = ErrorCode.Length > 0 ? ErrorCode : ending;
        var message = ErrorMessage.Length > 0 ? ErrorMessage : $"task ended {ending}";
        return new RunHubException(code, message, TaskId) { TaskState = this };
    }
}
