namespace RunHub.Engines;

/// <summary>A typed engine failure: the RunningHub error code the task ends with, and whether another attempt may succeed.</summary>
public sealed class EngineException(string errorCode, string message, bool retryable = false) : Exception(message)
{
    public string ErrorCode { get; } = errorCode;
    public bool Retryable { get; } = retryable;
}
