using System.Diagnostics;
using System.Diagnostics.Metrics;
using RunHub.Engines;

namespace RunHub.Observability;

/// <summary>
/// This node's view of each backend it has used (<see cref="BackendPool"/>): <c>runhub.backend.up</c> (1 in service,
/// 0 out after a failure) and <c>runhub.backend.in_flight</c> (tasks running on it from this node), by engine and
/// backend label. A backend appears once this node has sent it a task.
/// </summary>
public sealed class BackendGauges
{
    public BackendGauges(IMeterFactory meters, BackendPool pool)
    {
        var meter = meters.Create(RunHubTelemetry.Name);
        meter.CreateObservableGauge("runhub.backend.up", () => pool.Snapshot().Select(b => new Measurement<int>(b.State.IsOut ? 0 : 1, Tags(b))),
            "1", "1 while the backend is in service on this node, 0 while it is out after a failure.");
        meter.CreateObservableGauge("runhub.backend.in_flight", () => pool.Snapshot().Select(b => new Measurement<int>(b.State.InFlight, Tags(b))),
            "{task}", "Tasks this node is running on the backend now.");
    }

    private static TagList Tags(BackendPool.Entry backend) => new() { { "runhub.engine", backend.Engine }, { "runhub.backend", backend.Label } };
}
