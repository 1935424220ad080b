using System.Diagnostics;
using System.Diagnostics.Metrics;
using RunHub.Tasks;

namespace RunHub.Observability;

/// <summary>
/// The tasks' counters and histograms (OpenTelemetry names; Prometheus shows <c>runhub.tasks.submitted</c> as
/// <c>runhub_tasks_submitted_total</c>). Attributes are bounded: <c>runhub.model</c> (a catalog endpoint),
/// <c>runhub.engine</c> (the model's first engine), <c>runhub.task.status</c> and <c>error.type</c> (the error code);
/// never an account or a task id. Money is in CNY.
/// </summary>
public static class TaskMetrics
{
    private static readonly Counter<long> Submitted = RunHubTelemetry.Meter.CreateCounter<long>(
        "runhub.tasks.submitted", "{task}", "Tasks accepted by submit (a replayed idempotent submit is not counted again).");

    private static readonly Counter<long> Finished = RunHubTelemetry.Meter.CreateCounter<long>(
        "runhub.tasks.finished", "{task}", "Tasks that reached SUCCESS, FAILED or CANCEL, by model, engine, status and error code.");

    private static readonly Histogram<double> QueueTime = RunHubTelemetry.Meter.CreateHistogram(
        "runhub.task.queue.duration", "s", "Time from submit to a worker's first start of the task.",
        advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.01, 0.05, 0.1, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600, 1800] });

    private static readonly Histogram<double> RunTime = RunHubTelemetry.Meter.CreateHistogram(
        "runhub.task.run.duration", "s", "Time from a worker's first start of the task to its end.",
        advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.05, 0.1, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600, 1800] });

    private static readonly Counter<double> Reserved = RunHubTelemetry.Meter.CreateCounter<double>(
        "runhub.money.reserved", "{CNY}", "CNY reserved from wallets by submits.");

    private static readonly Counter<double> Settled = RunHubTelemetry.Meter.CreateCounter<double>(
        "runhub.money.settled", "{CNY}", "CNY charged for tasks that succeeded.");

    private static readonly Counter<double> Released = RunHubTelemetry.Meter.CreateCounter<double>(
        "runhub.money.released", "{CNY}", "CNY given back to wallets for tasks that failed or were cancelled.");

    /// <summary>A task was queued and its price reserved.</summary>
    public static void RecordSubmitted(TaskRecord task)
    {
        var model = new KeyValuePair<string, object?>("runhub.model", task.Endpoint);
        Submitted.Add(1, model);
        Reserved.Add(task.Price / 1000.0, model);
    }

    /// <summary>A worker claimed the task; its wait in the queue is recorded on its first start only.</summary>
    public static void RecordStarted(TaskRecord task)
    {
        if (task.Attempts == 1 && task.StartedAt is { } started)
            QueueTime.Record(Math.Max(0, started - task.CreatedAt) / 1000.0, new KeyValuePair<string, object?>("runhub.model", task.Endpoint));
    }

    /// <summary>
    /// The task ended with <paramref name="status"/> just now: counted, its run time recorded when it ran, and its
    /// price settled (SUCCESS) or released. <paramref name="engine"/> is the model's first engine, null for a task
    /// cancelled before any ran it. Time is the system clock, as the queue's own timestamps.
    /// </summary>
    public static void RecordFinished(TaskRecord task, string status, string? engine, string errorCode)
    {
        var nowMs = TimeProvider.System.GetUtcNow().ToUnixTimeMilliseconds();
        var tags = new TagList
        {
            { "runhub.model", task.Endpoint },
            { "runhub.engine", engine ?? "none" },
            { "runhub.task.status", status },
        };
        if (errorCode.Length > 0) tags.Add("error.type", errorCode);
        Finished.Add(1, tags);
        if (task.StartedAt is { } started) RunTime.Record(Math.Max(0, nowMs - started) / 1000.0, tags);
        var model = new KeyValuePair<string, object?>("runhub.model", task.Endpoint);
        if (status == TaskStatuses.Success) Settled.Add(task.Price / 1000.0, model);
        else Released.Add(task.Price / 1000.0, model);
    }
}
