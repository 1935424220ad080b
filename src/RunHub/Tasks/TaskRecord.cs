namespace RunHub.Tasks;

/// <summary>A row of the tasks table, which is also the queue.</summary>
public sealed record TaskRecord
{
    public required string Id { get; init; }
    public required string AccountId { get; init; }
    public required string Endpoint { get; init; }
    public required string ClientId { get; init; }
    public required string Status { get; init; }
    /// <summary>The validated parameters as a JSON object.</summary>
    public required string Parameters { get; init; }
    /// <summary>The reserved price in thousandths of CNY.</summary>
    public long Price { get; init; }
    public string ErrorCode { get; init; } = "";
    public string ErrorMessage { get; init; } = "";
    /// <summary>JSON array of <see cref="StoredResult"/>, once SUCCESS.</summary>
    public string? Results { get; init; }
    public long Attempts { get; init; }
    public string? LeaseOwner { get; init; }
    public long? LeaseExpiresAt { get; init; }
    public long CreatedAt { get; init; }
    public long? StartedAt { get; init; }
    public long? FinishedAt { get; init; }
    /// <summary>A task handed back because its backends were busy is not claimed before this time.</summary>
    public long? AvailableAt { get; init; }
    /// <summary>Set when the caller asked to cancel the task while it ran; its worker stops it on seeing this.</summary>
    public long? CancelRequestedAt { get; init; }
    /// <summary>The engine's last progress report while RUNNING, as <see cref="ProgressReport"/> JSON.</summary>
    public string? Progress { get; init; }
    /// <summary>The backend's validation report (ComfyUI's promptTips shape), when it refused the task.</summary>
    public string? PromptTips { get; init; }
    /// <summary>What the backend reported it used, in its own JSON; kept for the operator, not sent to clients.</summary>
    public string? BackendUsage { get; init; }
    /// <summary>The W3C traceparent of the submit request, when it was traced; a run of the task continues that trace.</summary>
    public string? TraceParent { get; init; }
    /// <summary>For a task billed by run time, once SUCCESS: the charge settled in thousandths of CNY (at most <see cref="Price"/>).</summary>
    public long? Charged { get; init; }
    /// <summary>For a task billed by run time, once SUCCESS: how long the backend worked on it, in ms.</summary>
    public long? CostMs { get; init; }
    /// <summary>When a workflow node failed: its report (<c>{node_id, node_type, exception_type, exception_message}</c> JSON).</summary>
    public string? Failure { get; init; }
    /// <summary>Where RunHub POSTs the task's end (RunningHub's <c>webhookUrl</c>), or null for none.</summary>
    public string? WebhookUrl { get; init; }
    /// <summary>RunHub's base URL as the submitting client reached it: the result links of the task's webhook are built on it.</summary>
    public string? BaseUrl { get; init; }
    /// <summary>SHA-256 of the key that submitted the task ; null for tasks older than webhooks.</summary>
    public string? KeyHash { get; init; }
    /// <summary>
    /// Not a column: a QUEUED task's place among its account's waiting tasks (1: the next of them to start), filled only by
    /// <see cref="TaskQueue.FindWithQueuePositionAsync"/>; null otherwise.
    /// </summary>
    public long? QueuePosition { get; init; }
}

/// <summary>One result as stored: a file key in the file store, or a text.</summary>
public sealed record StoredResult(string? Key, string OutputType, string? Text)
{
    /// <summary>The workflow node that produced it (ComfyUI), when known.</summary>
    [System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)]
    public string? NodeId { get; init; }

    /// <summary>The file keys named by a task's <c>results</c> (a JSON list of these), in order; none for null or empty.</summary>
    /// <exception cref="System.Text.Json.JsonException">The text is not a list of stored results.</exception>
    public static IReadOnlyList<string> KeysIn(string? resultsJson) =>
        string.IsNullOrEmpty(resultsJson)
            ? []
            : [.. (System.Text.Json.JsonSerializer.Deserialize<List<StoredResult>>(resultsJson, Wire.WireJson.Options) ?? []).Where(r => r.Key is not null).Select(r => r.Key!)];
}
