namespace RunHub.Accounts;

/// <summary>
/// One key's own options, as an operator set them with <c>runhub keys limits</c> (docs/limits.md). Null: not set —
/// no cap, no expiry, every model, and the server's request rate (<c>RunHub:Limits:RequestsPerMinute</c>).
/// </summary>
/// <param name="RequestsPerMinute">Requests the key may make per minute; 0 for no limit whatever the server's default.</param>
/// <param name="SpendCap">The most the key's tasks may cost altogether from when the cap was set, thousandths of CNY.</param>
/// <param name="ExpiresAt">When the key stops working, Unix ms.</param>
/// <param name="AllowedModels">The only model endpoints the key may submit to; null for all.</param>
public sealed record KeyPolicy(long? RequestsPerMinute, long? SpendCap, long? ExpiresAt, IReadOnlyList<string>? AllowedModels)
{
    public static KeyPolicy None { get; } = new(null, null, null, null);

    /// <summary>Whether the key may submit to <paramref name="endpoint"/> (a catalog endpoint, compared exactly).</summary>
    public bool Allows(string endpoint) => AllowedModels is null || AllowedModels.Contains(endpoint, StringComparer.Ordinal);

    /// <summary>Whether the key has stopped working at <paramref name="nowMs"/> (Unix ms).</summary>
    public bool HasExpired(long nowMs) => ExpiresAt is { } at && at <= nowMs;
}

/// <summary>A live key as a request presents it: its account, its hash (<see cref="ApiKey.Hash"/>) and its own options.</summary>
public sealed record KeyAccess(string AccountId, string KeyHash, KeyPolicy Policy);
