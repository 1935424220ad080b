using System.Globalization;

namespace RunHub.Bench.Report;

/// <summary>How the reports write figures: the same way on every machine (invariant culture, "54%" not "54 %").</summary>
internal static class Figures
{
    public static string Percent(double? share) =>
        share is { } s ? (s * 100).ToString("0", CultureInfo.InvariantCulture) + "%" : "n/a";

    public static string Mb(double bytes) => (bytes / 1048576.0).ToString("0.0", CultureInfo.InvariantCulture);
}
