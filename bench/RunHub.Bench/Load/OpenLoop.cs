using System.Diagnostics;

namespace RunHub.Bench.Load;

/// <summary>
/// Open-loop load at a fixed rate: request i is due at i / rate whether or not earlier ones were answered, and
/// its latency is counted from when it was due, not from when it was sent — a server that falls behind shows it
/// in the latency instead of silently slowing the load down (no coordinated omission).
/// </summary>
internal static class OpenLoop
{
    /// <summary>The dispatcher's shortest sleep: requests due within it are sent together (at most this late, 0.25 ms).</summary>
    private static readonly TimeSpan WakeQuantum = TimeSpan.FromMicroseconds(250);

    /// <summary>
    /// The latencies from each request's due time (what counts), and apart from it the bench's own share: how
    /// late the dispatcher sent requests (a busy machine wakes its thread late) and the latency from the actual send.
    /// </summary>
    /// <param name="Late">The measured requests answered more than <see cref="LateMs"/> after they were due: when they were
    /// due (ms since the window's start) and how late, to tell a few stalls from a machine that is slow throughout.</param>
    /// <param name="GeneratorCollections">The load generator's own collections during the run (0 unless its no-GC
    /// region, <see cref="Load.GeneratorCollections"/>, ran out).</param>
    /// <param name="WindowStartUtc">When the measured window began (the due time <see cref="LateRequests"/> counts from), by the
    /// wall clock, to set other processes' events (the server's collections, <see cref="ServerGcPauses"/>) beside the late answers.</param>
    public sealed record Samples(LoadSamples FromDue, LoadSamples FromSent, LoadSamples SendLag, LateRequests Late, int GeneratorCollections,
        DateTime WindowStartUtc);

    /// <summary>Answers later than this from their due time are recorded one by one (issue 12's p99 target, 5 ms).</summary>
    public const double LateMs = 5;

    /// <param name="maxInFlight">Requests beyond this many unanswered ones are not sent and count as errors, which keeps a run bounded.</param>
    public static async Task<Samples> RunAsync(double rate, TimeSpan warmup, TimeSpan duration, int maxInFlight, Func<Task<CallResult>> call)
    {
        // Room for every measured request up front, and no list of the calls' tasks: what the generator keeps alive
        // for the whole window would survive each of its collections, which then take tens of milliseconds, and a
        // pause of the generator is counted from the due time as the server's latency.
        var expected = (int)(rate * duration.TotalSeconds * 1.05) + 16;
        var samples = new LoadSamples(expected);
        var fromSent = new LoadSamples(expected);
        var lag = new LoadSamples(expected);
        var late = new LateRequests(expected);
        var inFlight = 0;
        // The calls not yet recorded, plus one for the dispatcher; whoever takes it to zero ends the run.
        var unrecorded = 1;
        var allRecorded = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        void Recorded()
        {
            if (Interlocked.Decrement(ref unrecorded) == 0) allRecorded.SetResult();
        }
        var origin = Stopwatch.GetTimestamp();
        var windowStartUtc = DateTime.UtcNow + warmup;
        TimeSpan Elapsed() => Stopwatch.GetElapsedTime(origin);
        var end = warmup + duration;

        Exception? unexpected = null;
        async void Fire(TimeSpan due)
        {
            try
            {
                await Record(due);
            }
            catch (Exception e)
            {
                Interlocked.CompareExchange(ref unexpected, e, null);
            }
            finally
            {
                Recorded();
            }
        }

        async Task Record(TimeSpan due)
        {
            var sent = Elapsed();
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
            var done = Elapsed();
            lag.Add((sent - due).TotalMilliseconds);
            if (result.Ok)
            {
                samples.Add((done - due).TotalMilliseconds);
                if ((done - due).TotalMilliseconds > LateMs) late.Add((due - warmup).TotalMilliseconds, (done - due).TotalMilliseconds);
                fromSent.Add((done - sent).TotalMilliseconds);
            }
            else samples.Error(result.Error ?? "error");
        }

        // A dedicated thread that sleeps until the next request is due (to the microsecond, PreciseSleep) and sends it:
        // timers of the thread pool would bunch requests up under load, a 1 ms sleep sends them in bursts of
        // rate/1000 (the last of a burst late by up to a millisecond), and spinning would take a core from the server.
        var dispatcher = new Thread(() =>
        {
            PreciseSleep.TightenThisThread();
            // Every request due before the end is sent, however late the thread wakes: one woken past the end still
            // sends what came due, and those requests count as late rather than as never sent.
            var total = (long)Math.Ceiling(end.TotalSeconds * rate);
            long sent = 0;
            while (sent < total)
            {
                var now = Elapsed();
                var due = Math.Min(total, (long)(now.TotalSeconds * rate) + 1);
                for (; sent < due; sent++)
                {
                    var at = TimeSpan.FromSeconds(sent / rate);
                    if (Volatile.Read(ref inFlight) >= maxInFlight)
                    {
                        if (at >= warmup) samples.Error($"not sent: {maxInFlight} requests already unanswered");
                        continue;
                    }
                    Interlocked.Increment(ref inFlight);
                    Interlocked.Increment(ref unrecorded);
                    Fire(at);
                }
                // At most one wake per quantum: a wake costs the machine a context switch, and at thousands of
                // requests a second one per request would take more of the cores than the lateness it saves.
                if (sent == total) break;
                var next = TimeSpan.FromSeconds(sent / rate);
                if (next < now + WakeQuantum) next = now + WakeQuantum;
                PreciseSleep.Until(origin + (long)(next.TotalSeconds * Stopwatch.Frequency));
            }
        }) { IsBackground = true, Name = "open-loop dispatcher" };
        using var collections = GeneratorCollections.Suspend((long)(rate * end.TotalSeconds) + 1);
        dispatcher.Start();
        await Task.Run(dispatcher.Join);
        Recorded();
        await allRecorded.Task;
        collections.Dispose();
        if (unexpected is not null) throw new InvalidOperationException("an open-loop call failed unexpectedly", unexpected);
        return new Samples(samples, fromSent, lag, late, collections.Collections, windowStartUtc);
    }
}
