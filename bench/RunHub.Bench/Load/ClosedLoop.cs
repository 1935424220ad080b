using System.Diagnostics;

namespace RunHub.Bench.Load;

/// <summary>
/// Closed-loop load: a fixed number of clients, each sending its next request as soon as the previous one is
/// answered. The first <c>warmup</c> of the run is thrown away; a call counts when it completes inside the
/// measurement window, so the rate is completions per second of the window.
/// </summary>
internal static class ClosedLoop
{
    /// <param name="call">One request; false (or an exception) is an error, with the message it reports.</param>
    /// <param name="into">Samples to add this run's to (several windows of one row, <c>submit-paired</c>); new ones when null.</param>
    public static async Task<LoadSamples> RunAsync(int clients, TimeSpan warmup, TimeSpan duration, Func<Task<CallResult>> call,
        LoadSamples? into = null)
    {
        var samples = into ?? new LoadSamples();
        var clock = Stopwatch.StartNew();
        var end = warmup + duration;
        var loops = Enumerable.Range(0, clients).Select(_ => Task.Run(async () =>
        {
            while (clock.Elapsed < end)
            {
                var began = clock.Elapsed;
                CallResult result;
                try
                {
                    result = await call();
                }
                catch (Exception e) when (e is HttpRequestException or TaskCanceledException or IOException)
                {
                    result = CallResult.Failed(LoadSamples.Describe(e));
                }
                var done = clock.Elapsed;
                if (done < warmup || done > end) continue;
                if (result.Ok) samples.Add((done - began).TotalMilliseconds);
                else samples.Error(result.Error ?? "error");
            }
        }));
        await Task.WhenAll(loops);
        return samples;
    }
}

/// <summary>The outcome of one benchmark call.</summary>
internal readonly record struct CallResult(bool Ok, string? Error)
{
    public static CallResult Success { get; } = new(true, null);

    public static CallResult Failed(string error) => new(false, error);
}
