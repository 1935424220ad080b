using RunHub.Bench.Load;

namespace RunHub.Tests.Bench;

/// <summary>The submit rows' writer figures, read from two scrapes of the server's <c>/metrics</c>.</summary>
public sealed class GroupCommitWindowTests
{
    private static string Exposition(double statements, double commit, double operations, double transactions) => $$"""
        # TYPE runhub_store_group_commit_duration_seconds histogram
        runhub_store_group_commit_duration_seconds_bucket{otel_scope_name="RunHub",runhub_phase="commit",le="0.001"} 3
        runhub_store_group_commit_duration_seconds_sum{otel_scope_name="RunHub",runhub_phase="commit"} {{commit}}
        runhub_store_group_commit_duration_seconds_count{otel_scope_name="RunHub",runhub_phase="commit"} {{transactions}}
        runhub_store_group_commit_duration_seconds_sum{otel_scope_name="RunHub",runhub_phase="statements"} {{statements}}
        runhub_store_group_commit_duration_seconds_count{otel_scope_name="RunHub",runhub_phase="statements"} {{transactions}}
        runhub_store_group_commit_operations_bucket{otel_scope_name="RunHub",le="16"} 7
        runhub_store_group_commit_operations_sum{otel_scope_name="RunHub"} {{operations}}
        runhub_store_group_commit_operations_count{otel_scope_name="RunHub"} {{transactions}}
        runhub_tasks_submitted_total{otel_scope_name="RunHub",runhub_model="rhart-image-g-1.5/edit"} 120
        """;

    [Fact]
    public void Two_readings_give_the_writers_busy_share_batch_size_and_time_per_operation()
    {
        var start = GroupCommitReading.Parse(Exposition(statements: 1, commit: 2, operations: 100, transactions: 10))!;
        var end = GroupCommitReading.Parse(Exposition(statements: 1.4, commit: 2.5, operations: 1100, transactions: 110))!;

        var details = GroupCommitReading.Details(start, end, wallSeconds: 1);

        Assert.Equal(90, details["writerBusyPercent"], 9);
        Assert.Equal(10, details["operationsPerCommit"], 9);
        Assert.Equal(5, details["commitMsPerTransaction"], 9);
        Assert.Equal(0.9, details["writerMsPerOperation"], 9);
    }

    [Fact]
    public void A_server_without_a_group_commit_and_a_window_without_commits_give_no_figures()
    {
        Assert.Null(GroupCommitReading.Parse("runhub_tasks_submitted_total{runhub_model=\"m\"} 3\n"));
        var reading = GroupCommitReading.Parse(Exposition(1, 2, 100, 10))!;
        Assert.Empty(GroupCommitReading.Details(reading, reading, wallSeconds: 1));
    }
}
