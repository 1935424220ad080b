namespace RunHub.Tests.Support;

/// <summary>
/// Waits for what another process or a server's background work writes and gives no signal for (a ComfyUI queue, a
/// database row, a task's status as a client polls it): the value is read again every <c>interval</c> until it is the
/// one waited for, and the wait fails, naming what it waited for and the last value read, after <c>timeout</c> of real
/// time. The one place the suite polls; where the code under test gives a signal, tests await that instead.
/// </summary>
public static class Poll
{
    /// <param name="what">What is waited for, for the failure: "prompt 3 to run".</param>
    /// <param name="timeout">Default 60 s.</param>
    /// <param name="interval">Default 50 ms.</param>
    /// <exception cref="TimeoutException">The condition did not hold within <paramref name="timeout"/>.</exception>
    public static Task UntilAsync(Func<Task<bool>> condition, string what, TimeSpan? timeout = null, TimeSpan? interval = null) =>
        ForAsync(condition, holds => holds, _ => what, timeout, interval);

    /// <summary>Reads <paramref name="read"/> until <paramref name="done"/> holds for its value, and returns that value.</summary>
    /// <param name="what">What is waited for, given the last value read, for the failure: "task 1 to end (it is RUNNING)".</param>
    /// <param name="timeout">Default 60 s.</param>
    /// <param name="interval">Default 50 ms.</param>
    /// <exception cref="TimeoutException">No value read within <paramref name="timeout"/> was done.</exception>
    public static async Task<T> ForAsync<T>(Func<Task<T>> read, Func<T, bool> done, Func<T, string> what, TimeSpan? timeout = null,
        TimeSpan? interval = null)
    {
        var limit = timeout ?? TimeSpan.FromSeconds(60);
        var deadline = DateTime.UtcNow + limit;
        while (true)
        {
            var value = await read();
            if (done(value)) return value;
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"waited {limit.TotalSeconds:0} s for {what(value)}");
            await Task.Delay(interval ?? TimeSpan.FromMilliseconds(50));
        }
    }
}
