namespace RunHub.Tasks;

/// <summary>Wakes idle workers of this process when a task is submitted, so pickup does not wait for a poll.</summary>
public sealed class TaskSignal
{
    private readonly SemaphoreSlim _semaphore = new(0, int.MaxValue);

    public void Pulse() => _semaphore.Release();

    /// <summary>Waits for a pulse or the timeout, whichever is first.</summary>
    public Task WaitAsync(TimeSpan timeout, CancellationToken cancellationToken) =>
        _semaphore.WaitAsync(timeout, cancellationToken);
}
