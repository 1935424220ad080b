using System.Globalization;

namespace RunHub.Engines.OpenAiImages;

/// <summary>How long to wait before asking a busy or failing backend again.</summary>
internal static class RetryDelay
{
    /// <summary>
    /// The wait the backend asked for: OpenAI's <c>retry-after-ms</c> (milliseconds) first, then the standard
    /// <c>Retry-After</c> (seconds or an HTTP date). Null when it asked for nothing usable.
    /// </summary>
    public static TimeSpan? Requested(HttpResponseMessage response, DateTimeOffset now)
    {
        if (response.Headers.TryGetValues("retry-after-ms", out var values) &&
            double.TryParse(values.FirstOrDefault(), NumberStyles.Float, CultureInfo.InvariantCulture, out var ms) && ms >= 0 && ms < 86_400_000)
            return TimeSpan.FromMilliseconds(ms);
        var header = response.Headers.RetryAfter;
        if (header?.Delta is { } delta && delta >= TimeSpan.Zero) return delta;
        if (header?.Date is { } date) return date > now ? date - now : TimeSpan.Zero;
        return null;
    }

    /// <summary>Exponential backoff from <paramref name="first"/> with up to a quarter more at random, so a crowd of retries spreads out.</summary>
    public static TimeSpan Backoff(TimeSpan first, int retry, TimeSpan cap)
    {
        var exponential = first.TotalMilliseconds * Math.Pow(2, Math.Min(retry, 20));
        var jittered = exponential * (1 + Random.Shared.NextDouble() / 4);
        return TimeSpan.FromMilliseconds(Math.Min(jittered, Math.Max(cap.TotalMilliseconds, 0)));
    }
}
