using System.Globalization;
using RunHub.Bench.Load;
using RunHub.Bench.Report;
using RunHub.Bench.Servers;
using RunHub.Bench.Stores;

namespace RunHub.Bench.Scenarios;

/// <summary>
/// The API alone, on one <c>--role api</c> server (no workers, so nothing but requests uses the CPU): the
/// baseline <c>GET /healthz</c>, <c>query</c> at full load and at half of it, and <c>submit</c>.
/// </summary>
internal static class ApiScenarios
{
    private const string RoundTrip = "one request's round trip";

    public static async Task<IReadOnlyList<ScenarioResult>> RunAsync(BenchContext context)
    {
        var results = new List<ScenarioResult>();
        // On PostgreSQL the query rate is judged against SQLite's on the same machine in the same run.
        if (context.Options.StoreName != "sqlite") results.Add(await SqliteQueryReferenceAsync(context));
        results.AddRange(await RunOnStoreAsync(context));
        return results;
    }

    private static async Task<ScenarioResult> SqliteQueryReferenceAsync(BenchContext context)
    {
        var options = context.Options;
        await using var database = new SqliteBenchDatabase(context.NewDataDir("api-sqlite"));
        var (server, client, queryBody, _) = await StartWithOneTaskAsync(context, database);
        await using var running = server;
        using var owned = client;
        context.Log($"query-sqlite: the query row on SQLite, the reference for PostgreSQL's, {options.Concurrency} clients");
        var reference = Result("query-sqlite", "the query row against a server on SQLite (the embedded default), as PostgreSQL's reference",
            RoundTrip, await Closed(server, options, () => client.QueryAsync(queryBody)), options);
        context.Log(Line(reference));
        return reference;
    }

    private static async Task<IReadOnlyList<ScenarioResult>> RunOnStoreAsync(BenchContext context)
    {
        var options = context.Options;
        await using var database = await context.NewDatabaseAsync("api");
        var (server, client, queryBody, apiKey) = await StartWithOneTaskAsync(context, database);
        await using var running = server;
        using var owned = client;

        context.Log($"baseline: GET /healthz, {options.Concurrency} clients");
        var baseline = Result("baseline", "GET /healthz of the same server: routing and HTTP only, the floor any endpoint pays", RoundTrip,
            await Closed(server, options, client.HealthAsync), options);
        context.Log(Line(baseline));

        context.Log($"query: POST /openapi/v2/query of an existing task, {options.Concurrency} clients");
        var query = Result("query", "POST /openapi/v2/query of an existing (queued) task: key check + read + task object", RoundTrip,
            await Closed(server, options, () => client.QueryAsync(queryBody)), options).ComparedTo(baseline);
        context.Log(Line(query));

        // The open loop's client: raw keep-alive connections with the request's bytes built once, so the generator
        // leaves the server the CPU that HttpClient's per-request work took (docs/performance.md, "A cheaper load
        // generator"). Its closed-loop maximum is measured too, since a cheaper client also lets the server go faster.
        using var raw = new RawHttpClient(server.BaseUrl, options.Concurrency);
        var rawQuery = raw.Post("/openapi/v2/query", apiKey, queryBody);
        Task<CallResult> RawQueryAsync() => raw.SendAsync(rawQuery, BenchClient.NoErrorField, "query");
        context.Log($"query-raw: the query from the open loop's raw HTTP/1.1 client, closed loop, {options.Concurrency} connections");
        var queryRaw = Result("query-raw", "the query row's request sent by the open loop's client (raw keep-alive HTTP/1.1, request bytes built once), closed loop",
            RoundTrip, await Closed(server, options, RawQueryAsync), options);
        context.Log(Line(queryRaw));

        // Half of the measured maximum (the higher of the two clients'), open loop: the latency a server that is busy but not saturated gives.
        var maximum = Math.Max(query.Rate, queryRaw.Rate);
        var queryRate = await OpenLoopAsync("query-rate", context, server, maximum, RawQueryAsync,
            "query open loop at a fixed {0} req/s (half of the higher of query's and query-raw's maximum), raw HTTP/1.1 client");
        // How many connections the raw client opened over both rows: at most one per client unless the server closed some.
        queryRate = queryRate with { Details = new Dictionary<string, double>(queryRate.Details) { ["rawConnectionsOpened"] = raw.ConnectionsOpened } };
        // On request, the same load from the HttpClient the open loop used before 2026-12-01, at the same rate, right
        // after: what the cheaper client changed, measured on the same machine in the same minute.
        var compared = options.CompareHttpClient
            ? await OpenLoopAsync("query-rate-httpclient", context, server, maximum, () => client.QueryAsync(queryBody),
                "the query-rate row's load at the same {0} req/s from the bench's HttpClient (BenchClient) instead of the raw client")
            : null;

        context.Log($"submit: POST /openapi/v2/{BenchRequests.Endpoint}, workers off, {options.Concurrency} clients");
        var submitted = await Closed(server, options, () => client.SubmitCreatesTaskAsync(BenchRequests.SubmitBody));
        var submit = Result("submit",
            $"POST the seed edit (a {BenchRequests.Png.Length}-byte PNG data: URI) to a --role api server: key check + validate + price + reserve + enqueue",
            RoundTrip, submitted, options).ComparedTo(baseline);
        context.Log(Line(submit));

        context.Log($"submit-url: the same submit with an https image URL instead of inline data, {options.Concurrency} clients");
        var submittedWithUrl = await Closed(server, options, () => client.SubmitCreatesTaskAsync(BenchRequests.SubmitBodyWithUrl));
        var submitUrl = Result("submit-url",
            "the submit row's request with its image as an https URL (fetched only when the task runs): no inline input stored as a file",
            RoundTrip, submittedWithUrl, options).ComparedTo(baseline);
        context.Log(Line(submitUrl));

        context.Log($"baseline-paired, submit-paired: GET /healthz and the submit in alternating {PairWindows(options).Window.TotalSeconds:0.#} s windows, {Pairs} pairs, {options.Concurrency} clients");
        var (baselinePaired, submitPaired) = await PairedAsync(options, client.HealthAsync, () => client.SubmitCreatesTaskAsync(BenchRequests.SubmitBody));
        var pairRatio = (string key) => Figures.Percent(submitPaired.Details.GetValueOrDefault(key));
        context.Log(string.Create(CultureInfo.InvariantCulture,
            $"  baseline-paired: {baselinePaired.Rate:0.0} req/s; submit-paired: {submitPaired.Rate:0.0} req/s, {Figures.Percent(submitPaired.Ratio)} of baseline-paired, {submitPaired.Errors + baselinePaired.Errors} errors; the pairs' own ratios {pairRatio("pairRatioMin")} to {pairRatio("pairRatioMax")}, median {pairRatio("pairRatioMedian")}"));

        // Many wallets at once: on PostgreSQL one wallet's row lock serialises its submits, so a deployment's rate
        // is that of its many accounts submitting together.
        var accounts = Enumerable.Range(0, options.Concurrency)
            .Select(i => database.CreateAccount($"bench-{i.ToString(CultureInfo.InvariantCulture)}", BenchAccount.HugeBalance)).ToList();
        var callers = accounts.Select(a => new BenchClient(server.BaseUrl, a.ApiKey, 2)).ToList();
        try
        {
            context.Log($"submit-accounts: the same submit from {accounts.Count} accounts, one client each");
            var next = -1;
            var spread = await Closed(server, options, () =>
                callers[(int)((uint)Interlocked.Increment(ref next) % (uint)callers.Count)].SubmitCreatesTaskAsync(BenchRequests.SubmitBody));
            var submitAccounts = Result("submit-accounts",
                $"the submit row's request from {accounts.Count.ToString(CultureInfo.InvariantCulture)} accounts at once (each its own key and wallet)",
                RoundTrip, spread, options).ComparedTo(baseline);
            context.Log(Line(submitAccounts));
            var submitLimits = (await SubmitWithLimitsAsync(context)).ComparedTo(submit);
            context.Log(Line(submitLimits));
            return [baseline, query, queryRaw, queryRate, .. compared is null ? [] : new[] { compared }, submit, submitUrl, baselinePaired, submitPaired,
                submitAccounts, submitLimits];
        }
        finally
        {
            foreach (var caller in callers) caller.Dispose();
        }
    }

    /// <summary>
    /// An open-loop row (<c>query-rate</c>): <paramref name="call"/> open loop at half of <paramref name="maximum"/> (req/s), latency
    /// from each request's due time, with the generator's own figures and the server's collections beside the late answers.
    /// </summary>
    /// <param name="measures">The row's description, with <c>{0}</c> for the rate.</param>
    private static async Task<ScenarioResult> OpenLoopAsync(string name, BenchContext context, RunHubServer server, double maximum,
        Func<Task<CallResult>> call, string measures)
    {
        var options = context.Options;
        var rate = Math.Max(1, maximum / 2);
        context.Log($"{name}: query open loop at {rate:0} req/s");
        OpenLoop.Samples? open = null;
        // The server's collections beside the late answers: which bursts of late answers a pause of the server's explains.
        using var gc = ServerGcPauses.TryStart(server.ProcessId, out var untraced);
        if (gc is null) context.Log($"    the server's collections are not traced: {untraced}");
        // Settled at the row's own rate with the GC session on, as the closed rows are settled: the session's start
        // set the server's compiler going (0.15 s of a core at once and 0.33-0.36 s more 2.5-8 s later), and with
        // only the warm-up after it that second wave fell into the window (docs/performance.md, "The query tail: the
        // compiler's second wave").
        var maxInFlight = options.Concurrency * 16;
        var settle = await JitSettle.RunAsync(server.ProcessId, options.SettleLimit,
            chunk => OpenLoop.RunAsync(rate, TimeSpan.Zero, chunk, maxInFlight, call));
        var (fromDue, cpu) = await CpuWindow.AroundAsync(server.ProcessId, options.Warmup, options.Duration, async () =>
        {
            open = await OpenLoop.RunAsync(rate, options.Warmup, options.Duration, maxInFlight, call);
            return open.FromDue;
        });
        gc?.Dispose(); // the pauses are complete once the session has stopped
        GeneratorCollections.GiveBack(); // the no-GC region's memory, before the rows after this one (their CPU is the bench's)
        var atRate = new MeasuredRun(fromDue, cpu, settle);
        var (sent, lag, late) = (open!.FromSent.Summary(), open.SendLag.Summary(), open.Late.Summary());
        var details = new List<(string, double)>
        {
            ("targetRate", rate), ("sentToAnswerP50", sent.P50), ("sentToAnswerP99", sent.P99), ("sendLagP50", lag.P50), ("sendLagP99", lag.P99),
            ("lateOver5Ms", late.Count), ("lateBursts", late.Bursts), ("longestLateBurstMs", late.LongestBurstMs),
            ("benchCollections", open.GeneratorCollections),
        };
        var pauses = gc is null ? null : ServerPausesInWindow(gc.Pauses, open.WindowStartUtc, options.Duration);
        var (pausedMs, longestPauseMs, burstsDuringPauses) = pauses is null ? default
            : (pauses.Sum(p => p.EndMs - p.StartMs), pauses.Count == 0 ? 0 : pauses.Max(p => p.EndMs - p.StartMs), open.Late.BurstsDuring(pauses));
        if (pauses is not null)
        {
            details.Add(("serverGcPauses", pauses.Count));
            details.Add(("serverGcPauseMsMax", longestPauseMs));
            details.Add(("serverGcPauseMsPerSecond", pausedMs / options.Duration.TotalSeconds));
            details.Add(("lateBurstsDuringServerGc", burstsDuringPauses));
        }
        details.Add(("maximumRate", maximum));
        var queryRate = Result(name, string.Format(CultureInfo.InvariantCulture, measures, rate.ToString("0", CultureInfo.InvariantCulture)),
            "from when the request was due to its answer", atRate, options, [.. details]);
        context.Log(Line(queryRate));
        context.Log(string.Create(CultureInfo.InvariantCulture,
            $"    from the send p99 {sent.P99:0.00} ms, send lag p99 {lag.P99:0.00} ms; {late.Count} answered over {OpenLoop.LateMs} ms late, in {late.Bursts} bursts, the longest {late.LongestBurstMs:0.0} ms; the bench collected {open.GeneratorCollections} times"));
        if (pauses is not null)
            context.Log(string.Create(CultureInfo.InvariantCulture,
                $"    the server paused for {pauses.Count} collections ({pausedMs:0.0} ms in all, the longest {longestPauseMs:0.00} ms); {burstsDuringPauses} of the {late.Bursts} bursts of late answers had one between a request's due time and its answer"));
        return queryRate;
    }

    /// <summary>
    /// The submit row with every limit of docs/limits.md on and never reached, on a server and store of its own: the
    /// account's running and queued limits (the queue check in the submit's transaction), and its key's own rate (counted
    /// in the database by shares), spend cap (charged in the submit's transaction) and model allow-list.
    /// </summary>
    private static async Task<ScenarioResult> SubmitWithLimitsAsync(BenchContext context)
    {
        var options = context.Options;
        await using var database = await context.NewDatabaseAsync("api-limits");
        var account = database.CreateAccount("bench-limits", BenchAccount.HugeBalance);
        await using (var db = await database.OpenAsync())
        await using (var command = db.CreateCommand())
        {
            command.CommandText = "UPDATE api_keys SET requests_per_minute = 100000000, spend_cap = 1000000000000, allowed_models = @models WHERE account_id = @account";
            foreach (var (name, value) in new[] { ("@models", $"[\"{BenchRequests.Endpoint}\"]"), ("@account", account.Id) })
            {
                var parameter = command.CreateParameter();
                parameter.ParameterName = name;
                parameter.Value = value;
                command.Parameters.Add(parameter);
            }
            await command.ExecuteNonQueryAsync();
        }
        await using var server = await context.StartServerAsync(database, "api", new Dictionary<string, string>
        {
            ["RunHub__Limits__MaxRunningPerAccount"] = "4",
            ["RunHub__Limits__MaxQueuedPerAccount"] = "100000000",
        });
        using var client = new BenchClient(server.BaseUrl, account.ApiKey, options.Concurrency);
        context.Log($"submit-limits: the submit with the account's and the key's limits on (none reached), {options.Concurrency} clients");
        var limited = await Closed(server, options, () => client.SubmitCreatesTaskAsync(BenchRequests.SubmitBody));
        return Result("submit-limits",
            "the submit row with every limit on and none reached: the account's running and queued limits, the key's request rate, spend cap and model allow-list",
            RoundTrip, limited, options);
    }

    /// <summary>A <c>--role api</c> server on <paramref name="database"/> with one account, its client, and the query of one queued task.</summary>
    private static async Task<(RunHubServer Server, BenchClient Client, byte[] QueryBody, string ApiKey)> StartWithOneTaskAsync(BenchContext context, BenchDatabase database)
    {
        var account = database.CreateAccount("bench", BenchAccount.HugeBalance);
        var server = await context.StartServerAsync(database, "api");
        var client = new BenchClient(server.BaseUrl, account.ApiKey, context.Options.Concurrency);
        var (taskId, error) = await client.SubmitAsync(BenchRequests.SubmitBody);
        if (taskId is not null) return (server, client, BenchRequests.QueryBody(taskId), account.ApiKey);
        var tail = server.OutputTail;
        client.Dispose();
        await server.DisposeAsync();
        throw new InvalidOperationException($"the setup submit failed: {error}\n{tail}");
    }

    /// <summary>How many pairs of windows <see cref="PairedAsync"/> measures.</summary>
    private const int Pairs = 6;

    /// <summary>Each of <see cref="PairedAsync"/>'s windows: a fifth of the rows' <c>--duration</c> (2 s by default), after a
    /// tenth of it (1 s) of the same load, thrown away.</summary>
    private static (TimeSpan Window, TimeSpan Warmup) PairWindows(BenchOptions options) => (options.Duration / 5, options.Duration / 10);

    /// <summary>
    /// <c>baseline-paired</c> and <c>submit-paired</c>: <paramref name="health"/> and <paramref name="submit"/>, closed loop,
    /// in <see cref="Pairs"/> pairs of windows one right after the other (<see cref="PairWindows"/>, each after a warm-up
    /// of its own load, thrown away), so that both are measured on the machine as it is in
    /// the same few seconds. On a shared host the machine's speed drifts by a fifth and more from one minute to the next
    /// (docs/performance.md), and the <c>submit</c> row's ratio to <c>baseline</c>, measured about a minute apart, carries
    /// that drift. The submit row's ratio is the sum of its windows' requests over the sum of the baseline's; the
    /// submit row's details give each pair's own ratio, lowest, median and highest (<c>pairRatioMin</c>,
    /// <c>pairRatioMedian</c>, <c>pairRatioMax</c>). Both are settled and warmed up by the rows before; no CPU is read.
    /// </summary>
    private static async Task<(ScenarioResult Baseline, ScenarioResult Submit)> PairedAsync(BenchOptions options,
        Func<Task<CallResult>> health, Func<Task<CallResult>> submit)
    {
        var (healthSamples, submitSamples) = (new LoadSamples(), new LoadSamples());
        var (pairWindow, pairWarmup) = PairWindows(options);
        var ratios = new List<double>(Pairs);
        for (var pair = 0; pair < Pairs; pair++)
        {
            var (healthBefore, submitBefore) = (healthSamples.Count, submitSamples.Count);
            await ClosedLoop.RunAsync(options.Concurrency, pairWarmup, pairWindow, health, healthSamples);
            await ClosedLoop.RunAsync(options.Concurrency, pairWarmup, pairWindow, submit, submitSamples);
            var healthCount = healthSamples.Count - healthBefore;
            if (healthCount > 0) ratios.Add((double)(submitSamples.Count - submitBefore) / healthCount);
        }
        ratios.Sort();
        var window = pairWindow * Pairs;
        var baseline = ScenarioResult.From("baseline-paired",
            $"GET /healthz in {Pairs.ToString(CultureInfo.InvariantCulture)} windows of {pairWindow.TotalSeconds.ToString(CultureInfo.InvariantCulture)} s, each right before a window of submit-paired",
            "req/s", RoundTrip, healthSamples, window);
        var submitted = ScenarioResult.From("submit-paired",
            "the submit row's request in windows alternating with baseline-paired's: the submit's ratio to /healthz without the machine's drift between rows",
            "req/s", RoundTrip, submitSamples, window) with
        {
            Details = ratios.Count == 0 ? new Dictionary<string, double>() : new Dictionary<string, double>
            {
                ["pairs"] = ratios.Count,
                ["pairRatioMin"] = ratios[0],
                ["pairRatioMedian"] = ratios.Count % 2 == 1 ? ratios[ratios.Count / 2] : (ratios[ratios.Count / 2 - 1] + ratios[ratios.Count / 2]) / 2,
                ["pairRatioMax"] = ratios[^1],
            },
        };
        return (baseline, submitted.ComparedTo(baseline));
    }

    /// <summary>A closed-loop row on <paramref name="server"/>, with its group-commit writer read over the window (SQLite only).</summary>
    private static Task<MeasuredRun> Closed(RunHubServer server, BenchOptions options, Func<Task<CallResult>> call) =>
        MeasuredRun.ClosedAsync(server.ProcessId, options, options.Concurrency, call, new Uri(new Uri(server.BaseUrl), "/metrics"));

    /// <summary>The pauses that began inside the measured window, each as (start, end) in ms since the window began.</summary>
    private static List<(double StartMs, double EndMs)> ServerPausesInWindow(IReadOnlyList<GcPause> pauses, DateTime windowStartUtc, TimeSpan duration) =>
        [.. pauses.Select(p => (Start: (p.StartUtc - windowStartUtc).TotalMilliseconds, p.Ms))
            .Where(p => p.Start >= 0 && p.Start < duration.TotalMilliseconds)
            .Select(p => (p.Start, p.Start + p.Ms))];

    private static ScenarioResult Result(string name, string measures, string latencyOf, MeasuredRun run,
        BenchOptions options, params (string Key, double Value)[] details)
    {
        var all = run.Details();
        foreach (var (key, value) in details) all[key] = value;
        return ScenarioResult.From(name, measures, "req/s", latencyOf, run.Samples, options.Duration) with { Details = all };
    }

    /// <summary>A scenario's figures in one progress line.</summary>
    public static string Line(ScenarioResult s)
    {
        var versus = s.Ratio is { } r ? string.Create(CultureInfo.InvariantCulture, $", {Figures.Percent(r)} of {s.ComparedWith}") : "";
        return string.Create(CultureInfo.InvariantCulture,
            $"  {s.Name}: {s.Rate:0.0} {s.Unit}, p50 {s.Latency.P50:0.00} ms, p99 {s.Latency.P99:0.00} ms, max {s.Latency.Max:0.00} ms, {s.Errors} errors{versus}; per op: CPU ms server {s.Details.GetValueOrDefault("serverCpuMsPerOp"):0.000}, bench {s.Details.GetValueOrDefault("benchCpuMsPerOp"):0.000}; context switches server {s.Details.GetValueOrDefault("serverContextSwitchesPerOp"):0.0}, bench {s.Details.GetValueOrDefault("benchContextSwitchesPerOp"):0.0}; other work {s.Details.GetValueOrDefault("otherCpuPercentOfMachine"):0}% of the machine");
    }
}
