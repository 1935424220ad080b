using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace RunHub.Observability;

/// <summary>
/// Each run of a task on one backend, by engine, backend (its label: the engine and server, never a secret) and
/// outcome (<c>success</c>, <c>failure</c>, <c>busy</c>, <c>error</c>). Health and in-flight counts are gauges
/// (<see cref="BackendGauges"/>).
/// </summary>
public static class BackendMetrics
{
    private static readonly Counter<long> Runs = RunHubTelemetry.Meter.CreateCounter<long>(
        "runhub.backend.runs", "{run}", "Runs of a task on a backend, by engine, backend and outcome.");

    public static void RecordRun(string engine, string backend, string outcome) =>
        Runs.Add(1, new TagList { { "runhub.engine", engine }, { "runhub.backend", backend }, { "runhub.outcome", outcome } });
}
