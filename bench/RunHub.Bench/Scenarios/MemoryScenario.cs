using System.Diagnostics;
using RunHub.Bench.Load;
using RunHub.Bench.Report;
using RunHub.Bench.Servers;
using RunHub.Bench.Stores;

namespace RunHub.Bench.Scenarios;

/// <summary>
/// What a deep queue costs in memory: the resident size of a <c>--role api</c> server (its tasks stay queued)
/// empty, then holding <see cref="BenchOptions.MemoryTasks"/> queued tasks. Both readings follow the same
/// warm-up — submits of an account with no money, refused with 812 after the whole submit path ran, so they
/// create no task — and a pause, so the difference is the tasks' and not the JIT's or the GC's first growth.
/// </summary>
internal static class MemoryScenario
{
    /// <summary>The queue is filled within this time or the scenario reports how far it got.</summary>
    private static readonly TimeSpan FillLimit = TimeSpan.FromMinutes(20);

    public static async Task<MemoryResult> RunAsync(BenchContext context)
    {
        var options = context.Options;
        await using var database = await context.NewDatabaseAsync("memory");
        var funded = database.CreateAccount("bench", BenchAccount.HugeBalance);
        var broke = database.CreateAccount("bench-no-money", 0);
        await using var server = await context.StartServerAsync(database, "api");
        using var fill = new BenchClient(server.BaseUrl, funded.ApiKey, options.Concurrency);
        using var refused = new BenchClient(server.BaseUrl, broke.ApiKey, options.Concurrency);
        var settle = TimeSpan.FromSeconds(Math.Clamp(options.WarmupSeconds / 2, 0.2, 2));

        async Task<long> WarmAndReadAsync()
        {
            await ClosedLoop.RunAsync(options.Concurrency, TimeSpan.Zero, options.Warmup,
                () => refused.SubmitRefusedAsync(BenchRequests.SubmitBody, "812"));
            await Task.Delay(settle);
            return server.ResidentBytes();
        }

        context.Log("memory: --role api server, empty after warm-up");
        var empty = await WarmAndReadAsync();
        context.Log($"  empty: {empty / 1048576.0:0.0} MB resident; queueing {options.MemoryTasks} tasks");
        var filled = await FillAsync(fill, options.MemoryTasks, options.Concurrency);
        var full = await WarmAndReadAsync();
        var result = new MemoryResult
        {
            Tasks = options.MemoryTasks,
            QueuedInDatabase = await TaskTimes.CountAsync(database, "QUEUED"),
            EmptyBytes = empty,
            FullBytes = full,
            PeakBytes = server.PeakResidentBytes(),
            FillRate = filled.Rate,
            FillRateFirstTenth = filled.FirstTenth,
            FillRateLastTenth = filled.LastTenth,
            FillErrors = filled.Samples.Errors,
            ErrorMessages = filled.Samples.ErrorMessages,
        };
        context.Log($"  with {result.QueuedInDatabase} queued tasks: {full / 1048576.0:0.0} MB resident, " +
            $"{result.ExtraBytes / 1048576.0:0.0} MB extra; filled at {filled.Rate:0} submits/s");
        return result;
    }

    private sealed record Fill(LoadSamples Samples, double Rate, double FirstTenth, double LastTenth);

    /// <summary>Closed-loop submits until <paramref name="count"/> were accepted (or the time limit), timing the first and last tenth.</summary>
    private static async Task<Fill> FillAsync(BenchClient client, int count, int clients)
    {
        var samples = new LoadSamples();
        var clock = Stopwatch.StartNew();
        var tenth = Math.Max(1, count / 10);
        var marks = new TimeSpan?[2];
        long issued = 0, accepted = 0;
        await Task.WhenAll(Enumerable.Range(0, Math.Min(clients, count)).Select(_ => Task.Run(async () =>
        {
            while (Interlocked.Increment(ref issued) <= count && clock.Elapsed < FillLimit)
            {
                var began = clock.Elapsed;
                string? taskId, error;
                try { (taskId, error) = await client.SubmitAsync(BenchRequests.SubmitBody); }
                catch (Exception e) when (e is HttpRequestException or TaskCanceledException or IOException)
                {
                    (taskId, error) = (null, LoadSamples.Describe(e));
                }
                if (taskId is null)
                {
                    samples.Error(error!);
                    continue;
                }
                samples.Add((clock.Elapsed - began).TotalMilliseconds);
                var n = Interlocked.Increment(ref accepted);
                if (n == tenth) marks[0] = clock.Elapsed;
                if (n == count - tenth) marks[1] = clock.Elapsed;
            }
        })));
        var total = clock.Elapsed;
        double PerSecond(long n, TimeSpan? span) => span is { TotalSeconds: > 0 } s ? n / s.TotalSeconds : 0;
        return new Fill(samples, PerSecond(accepted, total), PerSecond(tenth, marks[0]),
            marks[1] is { } lastStart ? PerSecond(tenth, total - lastStart) : 0);
    }
}
