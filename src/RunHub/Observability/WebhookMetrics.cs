using System.Diagnostics.Metrics;

namespace RunHub.Observability;

/// <summary>
/// Webhook sends by outcome (<c>runhub.webhook.sends</c>: <c>success</c>, <c>retry</c> — failed, to be sent again —,
/// <c>failed</c> — given up, or refused by the SSRF guard —, <c>gone</c> — the receiver answered 410) and how long each
/// took (<c>runhub.webhook.send.duration</c>, seconds). Pending deliveries are a gauge read from the database by <see cref="QueueGauges"/>:
/// <c>runhub.webhook.pending</c>.
/// </summary>
public static class WebhookMetrics
{
    private static readonly Counter<long> Sends = RunHubTelemetry.Meter.CreateCounter<long>(
        "runhub.webhook.sends", "{send}", "Webhook sends by outcome: success, retry, failed, gone.");

    private static readonly Histogram<double> Duration = RunHubTelemetry.Meter.CreateHistogram(
        "runhub.webhook.send.duration", "s", "Time of one webhook send, from the request to the answer (or the timeout).",
        advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.005, 0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30] });

    public static void RecordSend(string outcome, double seconds)
    {
        var tag = new KeyValuePair<string, object?>("runhub.outcome", outcome);
        Sends.Add(1, tag);
        Duration.Record(seconds, tag);
    }
}
