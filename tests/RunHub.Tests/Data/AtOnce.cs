namespace RunHub.Tests.Data;

/// <summary>
/// Runs <c>count</c> calls that start together, each on a thread of its own (a barrier on pool threads would wait
/// for the pool to grow), to press on the store's locking the way that many concurrent requests or nodes do.
/// </summary>
public static class AtOnce
{
    public static Task<T[]> RunAsync<T>(int count, Func<int, T> call)
    {
        var start = new Barrier(count);
        var calls = Enumerable.Range(0, count).Select(i => Task.Factory.StartNew(() =>
        {
            start.SignalAndWait();
            return call(i);
        }, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default)).ToArray();
        return Task.WhenAll(calls).ContinueWith(all =>
        {
            start.Dispose();
            return all.GetAwaiter().GetResult();
        }, TaskScheduler.Default);
    }
}
