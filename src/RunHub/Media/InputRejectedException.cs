namespace RunHub.Media;

/// <summary>An input that could not be fetched, was refused, or could not be decoded. The task fails with 1013.</summary>
public sealed class InputRejectedException(string message, Exception? inner = null) : Exception(message, inner)
{
    /// <summary>What the failed fetch of the task's inputs cost, when <see cref="InputFetcher.FetchAllAsync"/> measured it.</summary>
    public FetchCost? Cost { get; init; }
}

/// <summary>How long a fetch held its worker (ms) and how many bytes it received.</summary>
public sealed record FetchCost(long Milliseconds, long Bytes);
