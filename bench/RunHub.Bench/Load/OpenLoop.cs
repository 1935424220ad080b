using System.Diagnostics;

namespace RunHub.Bench.Load;

/// <summary>
/// Open-loop load at a fixed rate: request i is due at i / rate whether or not earlier ones were answered, and
/// its latency is counted from when it was due, not from when it was sent — a server that falls behind shows it
/// in the latency instead of silently slowing the load down (no coordinated omission).
/// </summary>
internal static class OpenLoop
{
    /// <summary>
    /// The latencies from each request's due time (what counts), and apart from it the bench's own share: how
    /// late the dispatcher sent requests (a busy machine wakes its thread late) and the latency from the actual send.
    /// </summary>
    public sealed record Samples(LoadSamples FromDue, LoadSamples FromSent, LoadSamples SendLag);

    /// <param name="maxInFlight">Requests beyond this many unanswered ones are not sent and count as errors, which keeps a run bounded.</param>
    public static async Task<Samples> RunAsync(double rate, TimeSpan warmup, TimeSpan duration, int maxInFlight, Func<Task<CallResult>> call)
    {
        var samples = new LoadSamples();
        var fromSent = new LoadSamples();
        var lag = new LoadSamples();
        var calls = new List<Task>();
        var inFlight = 0;
        var clock = Stopwatch.StartNew();
        var end = warmup + duration;

        async Task Fire(TimeSpan due)
        {
            var sent = clock.Elapsed;
            CallResult result;
            try
            {
                result = await call();
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException or IOException)
            {
                result = CallResult.Failed(LoadSamples.Describe(e));
            }
            finally
            {
                Interlocked.Decrement(ref inFlight);
            }
            if (due < warmup) return;
            var done = clock.Elapsed;
            lag.Add((sent - due).TotalMilliseconds);
            if (result.Ok)
            {
                samples.Add((done - due).TotalMilliseconds);
                fromSent.Add((done - sent).TotalMilliseconds);
            }
            else samples.Error(result.Error ?? "error");
        }

        // A dedicated thread that wakes every millisecond and sends what has come due: timers of the thread pool
        // would bunch requests up under load, and spinning would take a core from the server.
        var dispatcher = new Thread(() =>
        {
            long sent = 0;
            while (clock.Elapsed is var now && now < end)
            {
                var due = (long)(now.TotalSeconds * rate) + 1;
                for (; sent < due; sent++)
                {
                    var at = TimeSpan.FromSeconds(sent / rate);
                    if (Volatile.Read(ref inFlight) >= maxInFlight)
                    {
                        if (at >= warmup) samples.Error($"not sent: {maxInFlight} requests already unanswered");
                        continue;
                    }
                    Interlocked.Increment(ref inFlight);
                    var task = Fire(at);
                    lock (calls) calls.Add(task);
                }
                Thread.Sleep(1);
            }
        }) { IsBackground = true, Name = "open-loop dispatcher" };
        dispatcher.Start();
        await Task.Run(dispatcher.Join);
        Task[] all;
        lock (calls) all = [.. calls];
        await Task.WhenAll(all);
        return new Samples(samples, fromSent, lag);
    }
}
