namespace RunHub.Client;

/// <summary>Per-call overrides of <see cref="RunHubClientOptions.PollInterval"/> and <see cref="RunHubClientOptions.WaitTimeout"/>.</summary>
public sealed record WaitOptions
{
    /// <summary>How long to wait before giving up with <see cref="RunHubTimeoutException"/>; null for the client's default.</summary>
    public TimeSpan? Timeout { get; init; }

    /// <summary>Time between two polls; null for the client's default.</summary>
    public TimeSpan? PollInterval { get; init; }
}
