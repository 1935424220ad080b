using System.Diagnostics;
using RunHub.Tasks;

namespace RunHub.Observability;

/// <summary>
/// A task's trace: the submit request's span gets the task id (<see cref="RunHubTelemetry.TaskIdAttribute"/>) and its
/// W3C <c>traceparent</c> is stored with the task, so every run on any node (<c>runhub.task.run</c>) continues that
/// trace, with child spans for fetching inputs, each backend run and storing the results.
/// </summary>
public static class TaskTracing
{
    /// <summary>The current span's W3C traceparent, to store with a task being submitted; null when nothing is traced.</summary>
    public static string? CurrentParent() => Activity.Current is { IdFormat: ActivityIdFormat.W3C } current ? current.Id : null;

    /// <summary>Marks the submit request's span with the task it created.</summary>
    public static void Submitted(TaskRecord task)
    {
        Activity.Current?.SetTag(RunHubTelemetry.TaskIdAttribute, task.Id).SetTag("runhub.model", task.Endpoint);
        LogScope.Set("TaskId", task.Id);
    }

    /// <summary>The span of one run of a task on this worker, a child of its submit when that was traced.</summary>
    public static Activity? StartRun(TaskRecord task)
    {
        ActivityContext.TryParse(task.TraceParent, null, isRemote: true, out var parent);
        return RunHubTelemetry.Source.StartActivity("runhub.task.run", ActivityKind.Consumer, parent, [
            new(RunHubTelemetry.TaskIdAttribute, task.Id),
            new("runhub.model", task.Endpoint),
            new("runhub.task.attempt", task.Attempts),
        ]);
    }

    /// <summary>A step of a run: <c>runhub.inputs.fetch</c>, <c>runhub.results.store</c>.</summary>
    public static Activity? StartStep(string name, string taskId) =>
        RunHubTelemetry.Source.StartActivity(name, ActivityKind.Internal, default(ActivityContext), [new(RunHubTelemetry.TaskIdAttribute, taskId)]);

    /// <summary>The span of one try on one backend (<c>runhub.engine.run</c>).</summary>
    public static Activity? StartBackend(string taskId, string engine, string backend) =>
        RunHubTelemetry.Source.StartActivity("runhub.engine.run", ActivityKind.Client, default(ActivityContext), [
            new(RunHubTelemetry.TaskIdAttribute, taskId),
            new("runhub.engine", engine),
            new("runhub.backend", backend),
        ]);

    /// <summary>Ends a span as failed with the error code (<c>error.type</c>).</summary>
    public static void Failed(this Activity? span, string code, string? message = null)
    {
        span?.SetStatus(ActivityStatusCode.Error, message);
        span?.SetTag("error.type", code);
    }
}
