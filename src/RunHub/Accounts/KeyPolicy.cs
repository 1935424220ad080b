namespace RunHub.Accounts;

/// <summary>
/// One key's own options, as an operator set them with <c>runhub keys limits</c> (docs/limits.md). Null: not set —
/// no cap, no expiry, every model, and the server's request rate (<c>RunHub:Limits:RequestsPerMinute</c>).
/// </summary>
/// <param name="RequestsPerMinute">Requests the key may make per minute; 0 for no limit whatever the server's default.</param>
/// <param name="SpendCap">The most the key's tasks may cost altogether from when the cap was set, thousandths of CNY.</param>
/// <param name="ExpiresAt">When the key stops working, Unix ms.</param>
/// <param name="AllowedModels">
/// The only things the key may run; null for all: model endpoints (<c>rhart-image-g-1.5/edit</c>), workflows as
/// <c>workflow:&lt;workflowId&gt;</c> and AI apps as <c>ai-app:&lt;webappId&gt;</c> (the names their tasks carry as endpoint,
/// <see cref="Workflows.WorkflowTasks"/>).
/// </param>
public sealed record KeyPolicy(long? RequestsPerMinute, long? SpendCap, long? ExpiresAt, IReadOnlyList<string>? AllowedModels)
{
    public static KeyPolicy None { get; } = new(null, null, null, null);

    /// <summary>
    /// Whether the key may run <paramref name="endpoint"/>: a catalog endpoint, or <c>workflow:&lt;id&gt;</c> /
    /// <c>ai-app:&lt;id&gt;</c> for a workflow or an AI app run, compared exactly.
    /// </summary>
    public bool Allows(string endpoint) => AllowedModels is null || AllowedModels.Contains(endpoint, StringComparer.Ordinal);

    /// <summary>The message of the 1014 refusal of <paramref name="endpoint"/>: what was refused and what the key may run.</summary>
    public string NotAllowedMessage(string endpoint) =>
        $"this key may not use {endpoint}; it may use {string.Join(", ", AllowedModels ?? [])} (runhub keys limits)";

    /// <summary>
    /// The message of the 812 refusal of a submit of <paramref name="price"/> (CNY) that would pass the key's spend cap:
    /// the task's cost would take the key's spending past the cap, whether or not the cap is already reached.
    /// </summary>
    public string SpendCapMessage(Money price) =>
        $"this task costs {price} CNY, more than is left of this key's spend cap of {new Money(SpendCap ?? 0)} CNY (the console's API keys page and runhub keys limits show what the key has spent)";

    /// <summary>Whether the key has stopped working at <paramref name="nowMs"/> (Unix ms).</summary>
    public bool HasExpired(long nowMs) => ExpiresAt is { } at && at <= nowMs;
}

/// <summary>A live key as a request presents it: its account, its hash (<see cref="ApiKey.Hash"/>) and its own options.</summary>
public sealed record KeyAccess(string AccountId, string KeyHash, KeyPolicy Policy);
