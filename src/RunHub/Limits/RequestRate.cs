using System.Globalization;
using RunHub.Accounts;

namespace RunHub.Limits;

/// <summary>
/// The per-key request rate (RunningHub's 1003): a live key with a rate (its own, <see cref="KeyPolicy.RequestsPerMinute"/>,
/// else <c>RunHub:Limits:RequestsPerMinute</c>; 0 is none) takes one request of its minute from
/// <see cref="KeyRateLimiter"/>. Called once per request and key by <see cref="Api.RequestKeys"/>, wherever the request
/// carried the key (Bearer header, JSON body, form field, query string).
/// </summary>
public sealed class RequestRate(KeyRateLimiter limiter, LimitsOptions limits)
{
    /// <summary>
    /// Counts one request of the key. Null when it may go ahead; otherwise the refusal's message, e.g. "rate limit
    /// exceeded: this key may make 60 requests a minute; retry in 23 s", and <c>Retry-After</c> (whole seconds, at
    /// least 1) is set on <paramref name="response"/>.
    /// </summary>
    public async ValueTask<string?> CheckAsync(KeyAccess access, HttpResponse response)
    {
        var limit = access.Policy.RequestsPerMinute ?? limits.RequestsPerMinute;
        if (limit <= 0 || await limiter.TryAcquireAsync(access.KeyHash, limit) is not { } wait) return null;
        var seconds = Math.Max(1, (int)Math.Ceiling(wait.TotalSeconds));
        response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
        return $"rate limit exceeded: this key may make {limit} requests a minute; retry in {seconds} s";
    }
}
