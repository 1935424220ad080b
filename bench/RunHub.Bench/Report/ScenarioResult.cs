using RunHub.Bench.Load;

namespace RunHub.Bench.Report;

/// <summary>One measured scenario: its throughput, the latencies it recorded, its errors, and how it compares with its reference.</summary>
public sealed record ScenarioResult
{
    /// <summary>baseline, query, query-rate, submit, engine, e2e or pickup.</summary>
    public required string Name { get; init; }

    /// <summary>What is measured and how, in one line.</summary>
    public required string Measures { get; init; }

    /// <summary><c>req/s</c> or <c>tasks/s</c>.</summary>
    public required string Unit { get; init; }

    /// <summary>Successful requests or tasks per second of the measurement window.</summary>
    public double Rate { get; init; }

    public long Count { get; init; }
    public long Errors { get; init; }
    public double Seconds { get; init; }

    /// <summary>What one latency sample is (a request's round trip, an engine call, created → started, ...).</summary>
    public required string LatencyOf { get; init; }

    public required LatencySummary Latency { get; init; }

    /// <summary>The scenario <see cref="Ratio"/> divides by (baseline or engine), when there is one.</summary>
    public string? ComparedWith { get; init; }

    public double? Ratio { get; init; }

    public IReadOnlyList<string> ErrorMessages { get; init; } = [];

    /// <summary>Secondary figures (milliseconds unless the name says otherwise).</summary>
    public IReadOnlyDictionary<string, double> Details { get; init; } = new Dictionary<string, double>();

    public static ScenarioResult From(string name, string measures, string unit, string latencyOf, LoadSamples samples, TimeSpan window) => new()
    {
        Name = name,
        Measures = measures,
        Unit = unit,
        LatencyOf = latencyOf,
        Rate = samples.Rate(window),
        Count = samples.Count,
        Errors = samples.Errors,
        Seconds = window.TotalSeconds,
        Latency = samples.Summary(),
        ErrorMessages = samples.ErrorMessages,
    };

    /// <summary>This scenario's rate as a share of <paramref name="reference"/>'s.</summary>
    public ScenarioResult ComparedTo(ScenarioResult reference) => this with
    {
        ComparedWith = reference.Name,
        Ratio = reference.Rate > 0 ? Rate / reference.Rate : null,
    };

    /// <summary>
    /// This scenario's rate as a share of the mean of two runs of the same reference, one before it and one after: on a
    /// machine whose speed drifts over minutes the mean is the reference at the time this scenario ran.
    /// </summary>
    public ScenarioResult ComparedTo(ScenarioResult before, ScenarioResult after)
    {
        var mean = (before.Rate + after.Rate) / 2;
        return this with
        {
            ComparedWith = $"{before.Name} and {after.Name} (mean)",
            Ratio = before.Rate > 0 && after.Rate > 0 ? Rate / mean : null,
        };
    }
}
