using System.Collections.Concurrent;
using RunHub.Bench.Load;
using RunHub.Bench.Report;
using RunHub.Bench.Servers;
using RunHub.Bench.Stores;

namespace RunHub.Bench.Scenarios;

/// <summary>
/// Submit to SUCCESS through a <c>--role all</c> server running the sandbox at zero delay: each client submits,
/// waits until its task has left the queue, and confirms SUCCESS with one <c>query</c> (the least any client
/// polls), so the API, the queue and the workers all share the CPU as they do in use. The rate is compared with
/// the engine's own throughput at the same parallelism, measured before and after (<see cref="BenchRunner"/>).
/// </summary>
internal static class EndToEndScenario
{
    /// <summary>A task not finished by then is an error rather than a run that never ends.</summary>
    private static readonly TimeSpan TaskLimit = TimeSpan.FromSeconds(60);

    public static async Task<ScenarioResult> RunAsync(BenchContext context)
    {
        var options = context.Options;
        await using var database = await context.NewDatabaseAsync("e2e");
        var account = database.CreateAccount("bench", BenchAccount.HugeBalance);
        await using var server = await context.StartServerAsync(database, "all");
        using var client = new BenchClient(server.BaseUrl, account.ApiKey, options.Concurrency);
        await using var watcher = await TaskWatcher.StartAsync(database, TimeSpan.FromMilliseconds(2));

        context.Log($"e2e: submit → SUCCESS, {options.Workers} workers, {options.Concurrency} tasks in flight");
        var ids = new ConcurrentBag<string>();
        var submits = new LoadSamples();
        var run = await MeasuredRun.ClosedAsync(server.ProcessId, options, options.Concurrency, async () =>
        {
            var sent = System.Diagnostics.Stopwatch.StartNew();
            var (taskId, error) = await client.SubmitAsync(BenchRequests.SubmitBody);
            submits.Add(sent.Elapsed.TotalMilliseconds);
            if (taskId is null) return CallResult.Failed(error!);
            ids.Add(taskId);
            var finished = watcher.WhenFinishedAsync(taskId);
            if (await Task.WhenAny(finished, Task.Delay(TaskLimit)) != finished)
                return CallResult.Failed($"task not finished within {TaskLimit.TotalSeconds:0} s");
            return await client.QuerySucceededAsync(BenchRequests.QueryBody(taskId));
        });
        var samples = run.Samples;
        var submitted = submits.Summary();

        // The server's own record of the tasks that finished inside the measurement window.
        var from = run.StartedUnixMs + (long)options.Warmup.TotalMilliseconds;
        var to = from + (long)options.Duration.TotalMilliseconds;
        var inWindow = (await TaskTimes.ReadAsync(database, [.. ids])).Where(t => t.FinishedAt >= from && t.FinishedAt <= to).ToList();
        var clientSide = samples.Summary();
        var workerRun = LatencySummary.Of(inWindow.Where(t => t.Run is not null).Select(t => (double)t.Run!.Value));
        var wait = LatencySummary.Of(inWindow.Where(t => t.Pickup is not null).Select(t => (double)t.Pickup!.Value));

        var result = ScenarioResult.From("e2e",
            $"submit → SUCCESS through a --role all server: {options.Workers} workers, sandbox delay 0, {options.Concurrency} tasks in flight, one query per task",
            "tasks/s", "a task's run in a worker, started_at → finished_at (database, whole ms)", samples, options.Duration) with
        {
            Latency = workerRun,
            Details = new Dictionary<string, double>(run.Details())
            {
                // The API's answer on a node whose workers keep the cores busy (after the JIT settled, warm-up included).
                ["submitRoundTripP50"] = submitted.P50,
                ["submitRoundTripP99"] = submitted.P99,
                ["submitToSuccessP50"] = clientSide.P50,
                ["submitToSuccessP99"] = clientSide.P99,
                ["queueWaitP50"] = wait.P50,
                ["queueWaitP99"] = wait.P99,
                ["failedTasks"] = inWindow.Count(t => t.Status == "FAILED"),
            },
        };
        context.Log(ApiScenarios.Line(result));
        return result;
    }
}
