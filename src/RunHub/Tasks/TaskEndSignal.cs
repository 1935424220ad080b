namespace RunHub.Tasks;

/// <summary>
/// Wakes this process's webhook senders when a task's end has been committed together with a delivery to send, so a
/// webhook leaves at once instead of at the senders' next look (they also look every <c>Webhooks:PollMilliseconds</c>
/// for deliveries written by other nodes and for retries that fell due).
/// </summary>
public sealed class TaskEndSignal
{
    private readonly SemaphoreSlim _semaphore = new(0, int.MaxValue);

    public void Pulse() => _semaphore.Release();

    /// <summary>Waits for a pulse or the timeout, whichever is first.</summary>
    public Task WaitAsync(TimeSpan timeout, CancellationToken cancellationToken) => _semaphore.WaitAsync(timeout, cancellationToken);
}
