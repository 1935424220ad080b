using System.Globalization;
using RunHub.Bench.Scenarios;

namespace RunHub.Bench.Report;

/// <summary>
/// The issue's targets, each judged on figures of the same run (ratios to the baseline or the engine, so that a
/// slower or faster machine moves both sides). A target whose scenario was not run is left out.
/// </summary>
internal static class Targets
{
    public const double QueryShare = 0.50;
    public const double QueryP99Ms = 5;
    public const double SubmitShare = 0.30;
    public const double EndToEndShare = 0.80;
    public const double PickupP50Ms = 5;

    /// <summary>On PostgreSQL a claim is a round trip to another process, woken by LISTEN/NOTIFY (issue 5's target).</summary>
    public const double PostgresPickupP50Ms = 10;
    public const double MemoryPer100kMb = 100;
    public const double SandboxPeakMb = 1024;

    /// <summary>Issue 12: PostgreSQL's query rate against SQLite's, both measured in the same run.</summary>
    public const double PostgresQueryShareOfSqlite = 0.40;

    /// <summary>Issue 12: submits per second on PostgreSQL from as many accounts as clients.</summary>
    public const double PostgresSpreadSubmitsPerSecond = 1500;

    /// <summary>Issue 14: the submit rate with every limit on, against the submit row of the same run.</summary>
    public const double LimitsShareOfSubmit = 0.90;

    /// <summary>Issue 15: the console's tasks page and dashboard, and <c>GET /openapi/v2/tasks</c>, with <see cref="ConsoleTasksTarget"/> tasks in the account.</summary>
    public const double ConsolePageP99Ms = 100;

    /// <summary>The tasks in the account for which <see cref="ConsolePageP99Ms"/> is set.</summary>
    public const int ConsoleTasksTarget = 1_000_000;

    /// <summary>Issue 11: bodies nobody pays for must not cost the server memory (it was 7 GB).</summary>
    public const double HostilePeakExtraMb = 100;

    /// <summary>Issue 11: checking any input of at most 10 MB takes less than this much CPU.</summary>
    public const double InputCheckCpuMs = 100;

    public static IReadOnlyList<TargetResult> Check(IReadOnlyList<ScenarioResult> scenarios, MemoryResult? memory, string store = "sqlite",
        IReadOnlyList<HostileLoadResult>? hostile = null, SandboxMemoryResult? sandboxMemory = null)
    {
        var pickupP50 = store == "postgres" ? PostgresPickupP50Ms : PickupP50Ms;
        var byName = scenarios.ToDictionary(s => s.Name);
        var targets = new List<TargetResult>();
        if (byName.TryGetValue("query", out var query)) targets.Add(Share(query, QueryShare, "the baseline's requests/s"));
        if (byName.TryGetValue("query-rate", out var atRate))
            targets.Add(new("query-rate", $"p99 < {QueryP99Ms} ms at half of the query's maximum (the higher of query and query-raw)",
                F($"p99 {atRate.Latency.P99:0.00} ms at {atRate.Rate:N0} req/s{(atRate.Errors > 0 ? $", {atRate.Errors:N0} errors" : "")}"),
                // An error is a request not answered (or not even sent, beyond the in-flight cap): it cannot be under 5 ms.
                atRate.Measured() && atRate.Errors == 0 && atRate.Latency.P99 < QueryP99Ms));
        if (byName.TryGetValue("submit", out var submit)) targets.Add(Share(submit, SubmitShare, "the baseline's requests/s"));
        if (byName.TryGetValue("submit", out var unlimited) && byName.TryGetValue("submit-limits", out var limited))
        {
            var share = unlimited.Rate > 0 ? limited.Rate / unlimited.Rate : 0;
            targets.Add(new("submit-limits", F($"≥ {Figures.Percent(LimitsShareOfSubmit)} of the submit row's requests/s"),
                F($"{Figures.Percent(share)} ({limited.Rate:N0} against {unlimited.Rate:N0} req/s)"), limited.Measured() && share >= LimitsShareOfSubmit));
        }
        if (store == "postgres" && byName.TryGetValue("query", out var pgQuery) && byName.TryGetValue("query-sqlite", out var liteQuery))
        {
            var share = liteQuery.Rate > 0 ? pgQuery.Rate / liteQuery.Rate : 0;
            targets.Add(new("query (PostgreSQL)", F($"≥ {Figures.Percent(PostgresQueryShareOfSqlite)} of SQLite's query rate in the same run"),
                F($"{Figures.Percent(share)} ({pgQuery.Rate:N0} against {liteQuery.Rate:N0} req/s)"), pgQuery.Measured() && share >= PostgresQueryShareOfSqlite));
        }
        if (store == "postgres" && byName.TryGetValue("submit-accounts", out var spread))
            targets.Add(new("submit-accounts", F($"≥ {PostgresSpreadSubmitsPerSecond:N0} submits/s from many accounts"),
                F($"{spread.Rate:N0} req/s (p99 {spread.Latency.P99:0.0} ms)"), spread.Measured() && spread.Rate >= PostgresSpreadSubmitsPerSecond));
        if (byName.TryGetValue("e2e", out var e2e)) targets.Add(Share(e2e, EndToEndShare, "the sandbox engine's standalone tasks/s (the mean of its runs before and after)"));
        if (byName.TryGetValue("pickup", out var pickup))
            targets.Add(new("pickup", $"p50 < {pickupP50} ms on an idle server",
                F($"p50 {pickup.Latency.P50:0} ms (p99 {pickup.Latency.P99:0} ms, {pickup.Count} tasks)"), pickup.Measured() && pickup.Latency.P50 < pickupP50));
        foreach (var page in scenarios.Where(s => ConsoleScenario.Rows.Contains(s.Name)))
        {
            // A smaller --console-tasks run shows its figures but cannot meet a target set for a million tasks.
            var tasks = page.Details.GetValueOrDefault(ConsoleScenario.TasksDetail);
            targets.Add(new(page.Name, F($"p99 < {ConsolePageP99Ms} ms with {ConsoleTasksTarget:N0} tasks in the account"),
                F($"p50 {page.Latency.P50:0.0} ms, p99 {page.Latency.P99:0.0} ms with {tasks:N0} tasks"),
                page.Measured() && tasks >= ConsoleTasksTarget && page.Latency.P99 < ConsolePageP99Ms));
        }
        if (memory is not null)
        {
            var scaled = memory.QueuedInDatabase == 100_000 ? "" : F($", scaled linearly from {memory.QueuedInDatabase:N0} tasks");
            targets.Add(new("memory", $"< {MemoryPer100kMb} MB extra resident for 100,000 queued tasks",
                F($"{Figures.Mb(memory.ExtraBytesPer100k)} MB extra per 100,000 tasks ({Figures.Mb(memory.EmptyBytes)} → {Figures.Mb(memory.FullBytes)} MB{scaled})"),
                memory.QueuedInDatabase > 0 && memory.ExtraBytesPer100k / 1048576.0 < MemoryPer100kMb));
        }
        foreach (var load in hostile ?? [])
            targets.Add(new(load.Name, F($"< {HostilePeakExtraMb} MB extra resident at the peak"),
                F($"{Figures.Mb(load.PeakExtraBytes)} MB extra at the peak ({Figures.Mb(load.BeforeBytes)} → {Figures.Mb(load.PeakBytes)} MB; {load.Answered} answered, {load.Closed} closed)"),
                load.PeakExtraBytes / 1048576.0 < HostilePeakExtraMb));
        if (sandboxMemory is { } sandbox)
            targets.Add(new("sandbox-memory", F($"< {SandboxPeakMb:0} MB peak resident with {sandbox.Workers} workers on {SandboxMemoryScenario.Side}x{SandboxMemoryScenario.Side} PNGs, every task ended"),
                F($"peak {Figures.Mb(sandbox.PeakBytes)} MB ({sandbox.Ended} of {sandbox.Tasks} ended, {sandbox.Succeeded} succeeded)"),
                sandbox.Tasks > 0 && sandbox.Ended == sandbox.Tasks && sandbox.PeakBytes / 1048576.0 < SandboxPeakMb));
        if (byName.TryGetValue("input-check", out var check))
        {
            var worst = check.Details.Where(d => d.Key.StartsWith("cpuMs ", StringComparison.Ordinal)).MaxBy(d => d.Value);
            targets.Add(new("input-check", $"every crafted input of at most 10 MB checked in < {InputCheckCpuMs} ms of CPU",
                F($"slowest {worst.Key["cpuMs ".Length..]}: {worst.Value:0.0} ms (median of {InputCheckScenario.Repeats}); max of all checks {check.Latency.Max:0.0} ms"),
                check.Measured() && worst.Value < InputCheckCpuMs));
        }
        return targets;
    }

    private static TargetResult Share(ScenarioResult s, double target, string of) => new(
        s.Name, F($"≥ {Figures.Percent(target)} of {of}"),
        F($"{Figures.Percent(s.Ratio)} ({s.Rate:N1} {s.Unit})"),
        s.Measured() && s.Ratio >= target);

    /// <summary>A scenario with no successful sample cannot pass, whatever its ratio says.</summary>
    private static bool Measured(this ScenarioResult s) => s.Latency.Samples > 0;

    private static string F(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
