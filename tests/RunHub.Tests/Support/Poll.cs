namespace RunHub.Tests.Support;

/// <summary>
/// Waits for what another process or a server's background work writes and gives no signal for (a ComfyUI queue, a
/// database row): the condition is asked again every <c>interval</c> until it holds, and the wait fails, naming what it
/// waited for, after <c>timeout</c> of real time.
/// </summary>
public static class Poll
{
    /// <param name="what">What is waited for, for the failure: "prompt 3 to run".</param>
    /// <param name="timeout">Default 60 s.</param>
    /// <param name="interval">Default 50 ms.</param>
    /// <exception cref="TimeoutException">The condition did not hold within <paramref name="timeout"/>.</exception>
    public static async Task UntilAsync(Func<Task<bool>> condition, string what, TimeSpan? timeout = null, TimeSpan? interval = null)
    {
        var limit = timeout ?? TimeSpan.FromSeconds(60);
        var deadline = DateTime.UtcNow + limit;
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"waited {limit.TotalSeconds:0} s for {what}");
            await Task.Delay(interval ?? TimeSpan.FromMilliseconds(50));
        }
    }
}
