using System.Diagnostics.Metrics;
using Dapper;
using RunHub.Data;
using RunHub.Tasks;

namespace RunHub.Observability;

/// <summary>
/// The queue as gauges, read from the database when metrics are collected (a scrape, an OTLP export): tasks
/// <c>QUEUED</c> and <c>RUNNING</c> (<c>runhub.queue.depth</c> by <c>runhub.task.status</c>) and the age of the
/// oldest queued task (<c>runhub.queue.oldest_age</c>, seconds; 0 when none waits). The database is the queue of
/// every node, so each node reports the same numbers: aggregate them with <c>max</c>, not <c>sum</c>. Webhook
/// deliveries waiting to be sent or sent again (<c>runhub.webhook.pending</c>) are read the same way.
/// </summary>
public sealed class QueueGauges
{
    /// <summary>
    /// One row per status: the queued tasks through the accounts that have some (<see cref="TaskQueue.QueuedOfWaitingAccounts"/>),
    /// the running ones through <c>tasks_running</c>.
    /// </summary>
    internal const string Sql =
        $"SELECT 'QUEUED' AS Status, count(*) AS Count, min(created_at) AS Oldest FROM tasks WHERE {TaskQueue.QueuedOfWaitingAccounts} " +
        "UNION ALL SELECT 'RUNNING', count(*), min(created_at) FROM tasks WHERE status = 'RUNNING'";

    private readonly Database _database;
    private readonly TimeProvider _time;
    private readonly ILogger<QueueGauges> _logger;

    public QueueGauges(IMeterFactory meters, Database database, TimeProvider time, ILogger<QueueGauges> logger)
    {
        _database = database;
        _time = time;
        _logger = logger;
        var meter = meters.Create(RunHubTelemetry.Name);
        meter.CreateObservableGauge("runhub.queue.depth", Depth, "{task}", "Tasks waiting (QUEUED) and running (RUNNING), on every node together.");
        meter.CreateObservableGauge("runhub.queue.oldest_age", OldestAge, "s", "Age of the oldest QUEUED task; 0 when none waits.");
        meter.CreateObservableGauge("runhub.webhook.pending", PendingWebhooks, "{delivery}",
            "Webhook deliveries not yet delivered or given up (due now, being sent, or waiting for a retry), on every node together.");
    }

    // Properties, not a positional record: on an empty result SQLite reports no column types to match a constructor by.
    private sealed class Row
    {
        public string Status { get; init; } = "";
        public long Count { get; init; }
        public long? Oldest { get; init; }
    }

    private IEnumerable<Measurement<long>> Depth()
    {
        var rows = Read();
        if (rows is null) yield break;
        foreach (var status in new[] { "QUEUED", "RUNNING" })
            yield return new Measurement<long>(rows.FirstOrDefault(r => r.Status == status)?.Count ?? 0,
                new KeyValuePair<string, object?>("runhub.task.status", status));
    }

    private IEnumerable<Measurement<double>> OldestAge()
    {
        var rows = Read();
        if (rows is null) yield break;
        var oldest = rows.FirstOrDefault(r => r.Status == "QUEUED")?.Oldest;
        yield return new Measurement<double>(oldest is { } ms ? Math.Max(0, _time.GetUtcNow().ToUnixTimeMilliseconds() - ms) / 1000.0 : 0);
    }

    private IEnumerable<Measurement<long>> PendingWebhooks()
    {
        var count = Read<long?>(db => db.ExecuteScalar<long>("SELECT count(*) FROM webhook_deliveries WHERE status = 'PENDING'"));
        if (count is { } value) yield return new Measurement<long>(value);
    }

    private List<Row>? Read() => Read(db => db.Query<Row>(Sql).ToList());

    private T? Read<T>(Func<System.Data.Common.DbConnection, T> query)
    {
        try
        {
            using var db = _database.Open();
            return query(db);
        }
        catch (Exception e) when (e is System.Data.Common.DbException or InvalidOperationException or TimeoutException)
        {
            // No number is better than a wrong one; the scrape goes on with the other metrics.
            _logger.LogDebug(e, "Queue gauges: the database could not be read");
            return default;
        }
    }
}
