using System.Diagnostics;
using RunHub.Bench.Load;
using RunHub.Bench.Report;
using RunHub.Bench.Servers;
using RunHub.Bench.Stores;

namespace RunHub.Bench.Scenarios;

/// <summary>
/// How long a task waits for an idle worker: one task at a time on a <c>--role all</c> server whose workers have
/// nothing else to do, each awaited (and confirmed with a query) before the next is submitted. The figure is
/// <c>started_at − created_at</c> from the tasks table: the submit's commit, the wake-up of a worker and its claim.
/// </summary>
internal static class PickupScenario
{
    private static readonly TimeSpan TaskLimit = TimeSpan.FromSeconds(60);

    public static async Task<ScenarioResult> RunAsync(BenchContext context)
    {
        var options = context.Options;
        await using var database = await context.NewDatabaseAsync("pickup");
        var account = database.CreateAccount("bench", BenchAccount.HugeBalance);
        await using var server = await context.StartServerAsync(database, "all");
        using var client = new BenchClient(server.BaseUrl, account.ApiKey, 1);
        await using var watcher = await TaskWatcher.StartAsync(database, TimeSpan.FromMilliseconds(1));

        context.Log($"pickup: one task at a time on an idle server, {options.Workers} workers, at most {options.PickupTasks} tasks");
        var errors = new LoadSamples();
        var ids = new List<string>();
        var roundTrips = new List<double>();
        var clock = Stopwatch.StartNew();
        var end = options.Warmup + options.Duration;
        TimeSpan? measuredFrom = null;
        while (clock.Elapsed < end && ids.Count < options.PickupTasks)
        {
            var began = clock.Elapsed;
            var measured = began >= options.Warmup;
            if (measured) measuredFrom ??= began;
            var (taskId, error) = await client.SubmitAsync(BenchRequests.SubmitBody);
            if (taskId is null)
            {
                if (measured) errors.Error(error!);
                await Task.Delay(10);
                continue;
            }
            var finished = watcher.WhenFinishedAsync(taskId);
            var done = await Task.WhenAny(finished, Task.Delay(TaskLimit)) == finished;
            var seen = clock.Elapsed;
            var confirmed = done ? await client.QuerySucceededAsync(BenchRequests.QueryBody(taskId)) : CallResult.Failed("task not finished in time");
            if (!measured) continue;
            if (!confirmed.Ok) { errors.Error(confirmed.Error!); continue; }
            ids.Add(taskId);
            roundTrips.Add((seen - began).TotalMilliseconds);
        }
        var elapsed = clock.Elapsed - (measuredFrom ?? clock.Elapsed);

        var rows = await TaskTimes.ReadAsync(database, ids);
        var pickup = LatencySummary.Of(rows.Where(r => r.Pickup is not null).Select(r => (double)r.Pickup!.Value));
        var run = LatencySummary.Of(rows.Where(r => r.Run is not null).Select(r => (double)r.Run!.Value));
        var roundTrip = LatencySummary.Of(roundTrips);
        var result = new ScenarioResult
        {
            Name = "pickup",
            Measures = $"one task at a time on an idle --role all server ({options.Workers} workers): created_at → started_at from the tasks table",
            Unit = "tasks/s",
            Rate = elapsed > TimeSpan.Zero ? ids.Count / elapsed.TotalSeconds : 0,
            Count = ids.Count,
            Errors = errors.Errors,
            Seconds = elapsed.TotalSeconds,
            LatencyOf = "created_at → started_at (database, whole ms): the submit's commit, a worker's wake-up and claim",
            Latency = pickup,
            ErrorMessages = errors.ErrorMessages,
            Details = new Dictionary<string, double>
            {
                ["runP50"] = run.P50,
                ["runP99"] = run.P99,
                ["submitToFinishSeenP50"] = roundTrip.P50,
                ["submitToFinishSeenP99"] = roundTrip.P99,
            },
        };
        context.Log(ApiScenarios.Line(result));
        return result;
    }
}
