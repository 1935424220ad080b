namespace RunHub.Client;

/// <summary>Exponential backoff with jitter, so clients that failed together do not come back together.</summary>
internal static class RetryDelays
{
    /// <param name="failedAttempt">1 for the delay after the first attempt.</param>
    /// <param name="baseDelay">The first delay's scale.</param>
    /// <param name="maxDelay">The cap, <paramref name="retryAfter"/> included.</param>
    /// <param name="retryAfter">The server's <c>Retry-After</c>, if it sent one: never retry sooner than asked (up to the cap).</param>
    public static TimeSpan After(int failedAttempt, TimeSpan baseDelay, TimeSpan maxDelay, TimeSpan? retryAfter = null)
    {
        var exponential = baseDelay.TotalMilliseconds * Math.Pow(2, Math.Min(failedAttempt - 1, 30));
        var capped = Math.Min(exponential, maxDelay.TotalMilliseconds);
        // "Equal jitter": half the delay is kept, the other half drawn, so a retry never comes back at once.
        var jittered = capped / 2 + Random.Shared.NextDouble() * capped / 2;
        if (retryAfter is { } asked) jittered = Math.Max(jittered, Math.Min(asked.TotalMilliseconds, maxDelay.TotalMilliseconds));
        return TimeSpan.FromMilliseconds(Math.Max(0, jittered));
    }

    public static TimeSpan? RetryAfterOf(HttpResponseMessage response)
    {
        var header = response.Headers.RetryAfter;
        if (header?.Delta is { } delta) return delta;
        if (header?.Date is { } date) return date - DateTimeOffset.UtcNow;
        return null;
    }
}
