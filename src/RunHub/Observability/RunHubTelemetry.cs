using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace RunHub.Observability;

/// <summary>
/// RunHub's one meter and one activity source, both named <c>RunHub</c> (docs/observability.md lists every instrument
/// and span). Static, like the framework's own: the call sites are one line and need no services.
/// </summary>
public static class RunHubTelemetry
{
    public const string Name = "RunHub";

    /// <summary>The attribute that carries a task's id on spans (never on metrics: it is unbounded).</summary>
    public const string TaskIdAttribute = "runhub.task.id";

    public static readonly Meter Meter = new(Name, typeof(RunHubTelemetry).Assembly.GetName().Version?.ToString());

    public static readonly ActivitySource Source = new(Name, typeof(RunHubTelemetry).Assembly.GetName().Version?.ToString());
}
