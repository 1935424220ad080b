namespace RunHub.Tasks;

/// <summary>
/// What one run of a task came to. A closed set (the constructor is private): <see cref="Succeeded"/> settles the
/// charge, <see cref="Failed"/> and <see cref="Cancelled"/> release it, <see cref="Postponed"/> hands the task back
/// to the queue with the charge still reserved.
/// </summary>
public abstract record RunOutcome
{
    private RunOutcome()
    {
    }

    /// <param name="ResultsJson">A JSON array of <see cref="StoredResult"/>.</param>
    /// <param name="BackendUsage">What the backend reported it used, in its own JSON (kept for the operator), or null.</param>
    public sealed record Succeeded(string ResultsJson, string? BackendUsage) : RunOutcome
    {
        /// <summary>
        /// For a task billed by run time (a workflow): the charge, at most the price reserved (the rest is given back),
        /// and the backend's run time in ms. Null settles the price reserved.
        /// </summary>
        public RunBill? Bill { get; init; }
    }

    /// <param name="ErrorCode">A RunningHub code from <see cref="Client.RunHubErrorCodes"/>.</param>
    /// <param name="PromptTips">The backend's validation report in ComfyUI's promptTips shape, when it refused the task.</param>
    /// <param name="NodeFailure">A failed workflow node's report (JSON), for the workflow API's <c>failedReason</c>.</param>
    public sealed record Failed(string ErrorCode, string ErrorMessage, string? PromptTips = null, string? NodeFailure = null) : RunOutcome;

    /// <summary>The caller asked to cancel the task and the run stopped.</summary>
    public sealed record Cancelled : RunOutcome;

    /// <summary>Every backend was busy: back to the queue, not to be claimed before <paramref name="AvailableAtMs"/> (Unix ms).</summary>
    public sealed record Postponed(long AvailableAtMs, string Reason) : RunOutcome;
}

/// <summary>What a task billed by run time is charged (<see cref="Accounts.Money"/>) for how long its backend worked on it (ms).</summary>
public sealed record RunBill(Accounts.Money Charge, long CostMs);
