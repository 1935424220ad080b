namespace RunHub.Bench.Load;

/// <summary>Percentiles of every recorded latency, in milliseconds, by nearest rank on the sorted samples (no histogram buckets).</summary>
public sealed record LatencySummary(int Samples, double P50, double P99, double Max, double Mean)
{
    public static LatencySummary Empty { get; } = new(0, 0, 0, 0, 0);

    public static LatencySummary Of(IEnumerable<double> milliseconds)
    {
        var sorted = milliseconds.ToArray();
        if (sorted.Length == 0) return Empty;
        Array.Sort(sorted);
        return new LatencySummary(sorted.Length, Rank(sorted, 0.50), Rank(sorted, 0.99), sorted[^1], sorted.Average());
    }

    /// <summary>The smallest sample with at least <paramref name="quantile"/> of all samples at or below it.</summary>
    private static double Rank(double[] sorted, double quantile) =>
        sorted[Math.Clamp((int)Math.Ceiling(quantile * sorted.Length) - 1, 0, sorted.Length - 1)];
}
