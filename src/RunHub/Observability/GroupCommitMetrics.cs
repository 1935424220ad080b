using System.Diagnostics.Metrics;

namespace RunHub.Observability;

/// <summary>
/// The SQLite group commit's single writer (<see cref="Data.GroupCommit"/>): how many operations (submits) each shared
/// transaction carried (<c>runhub.store.group_commit.operations</c>) and how long the writer spent on it
/// (<c>runhub.store.group_commit.duration</c>, seconds), split by <c>runhub.phase</c>: <c>statements</c> (from the
/// transaction's start, including any wait for SQLite's write lock, to its commit call) and <c>commit</c> (the commit
/// call: the write-ahead log's frames and their fsync, and a checkpoint when one is due). The operations include
/// idempotent replays and submits refused inside the transaction. The duration's sum over both phases, per second, is the share of time the
/// writer is busy: near 1, submits wait for it. Nothing is recorded on PostgreSQL, where each operation commits alone.
/// </summary>
public static class GroupCommitMetrics
{
    private static readonly Histogram<int> Operations = RunHubTelemetry.Meter.CreateHistogram<int>(
        "runhub.store.group_commit.operations", "{operation}", "Operations carried by one shared SQLite transaction of the group commit.",
        advice: new InstrumentAdvice<int> { HistogramBucketBoundaries = [1, 2, 4, 8, 16, 32, 64, 128, 256] });

    private static readonly Histogram<double> Duration = RunHubTelemetry.Meter.CreateHistogram(
        "runhub.store.group_commit.duration", "s", "The group commit writer's time on one transaction, by phase: statements, commit.",
        advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1] });

    private static readonly KeyValuePair<string, object?> Statements = new("runhub.phase", "statements");
    private static readonly KeyValuePair<string, object?> Commit = new("runhub.phase", "commit");

    /// <summary>
    /// Records one shared transaction that reached its commit call: <paramref name="operations"/> run in it (those that
    /// failed alone included), <paramref name="statements"/> from its start to the commit call, <paramref name="commit"/>
    /// the call itself.
    /// </summary>
    public static void RecordTransaction(int operations, TimeSpan statements, TimeSpan commit)
    {
        Operations.Record(operations);
        Duration.Record(statements.TotalSeconds, Statements);
        Duration.Record(commit.TotalSeconds, Commit);
    }
}
