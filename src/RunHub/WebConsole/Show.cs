using System.Globalization;
using RunHub.Accounts;

namespace RunHub.WebConsole;

/// <summary>How the console writes amounts and times: CNY with the wallet's precision, UTC times to the second.</summary>
public static class Show
{
    /// <param name="millis">Thousandths of CNY.</param>
    public static string Cny(long millis) => new Money(millis) + " CNY";

    /// <param name="unixMs">Unix milliseconds.</param>
    public static string Time(long unixMs) =>
        DateTimeOffset.FromUnixTimeMilliseconds(unixMs).UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture) + " UTC";

    public static string Time(long? unixMs, string none = "—") => unixMs is { } ms ? Time(ms) : none;

    /// <summary>A duration in seconds or minutes, from two Unix ms times.</summary>
    public static string Duration(long? from, long? to)
    {
        if (from is null || to is null) return "—";
        var seconds = Math.Max(0, (to.Value - from.Value) / 1000.0);
        return seconds < 90 ? seconds.ToString("0.0", CultureInfo.InvariantCulture) + " s" : (seconds / 60).ToString("0.0", CultureInfo.InvariantCulture) + " min";
    }

    /// <summary>A local path under /console is the only place a sign-in may return to (no open redirects).</summary>
    public static string SafeReturn(string? returnUrl) =>
        returnUrl is { Length: > 0 } r && r.StartsWith("/console/", StringComparison.Ordinal) && !r.StartsWith("//", StringComparison.Ordinal) && !r.Contains('\\')
            ? r : ConsolePaths.Dashboard;
}
