namespace RunHub.Engines;

/// <summary>Every backend that could run the task answered busy: try again after <see cref="RetryAfter"/>.</summary>
public sealed class BackendsBusyException(TimeSpan retryAfter, string message) : Exception(message)
{
    public TimeSpan RetryAfter { get; } = retryAfter;
}
