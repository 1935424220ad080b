using System.Globalization;
using Microsoft.Extensions.Options;
using RunHub.Accounts;
using RunHub.Api;
using RunHub.Client;

namespace RunHub.Limits;

/// <summary>
/// Requests per minute per key, before any other work: an API call (any family) with a Bearer key that belongs to a
/// live key with a rate (its own, else <c>RunHub:Limits:RequestsPerMinute</c>; 0 is none) takes one request of the
/// key's minute (<see cref="KeyRateLimiter"/>); beyond it the call is answered at once with RunningHub's 1003 in the
/// path's answer shape, saying when to retry, and a <c>Retry-After</c> header (seconds). Unknown keys pass through to
/// be refused by the call itself (1002), so random keys cost no database write.
/// </summary>
public static class RequestRateLimits
{
    public static void Use(IApplicationBuilder app) => app.Use(async (context, next) =>
    {
        if (AnswerShapes.Of(context.Request.Path) != AnswerShape.None && BearerKey.From(context.Request) is { } key && ApiKey.HasValidShape(key))
        {
            var services = context.RequestServices;
            if (await services.GetRequiredService<AccountDirectory>().AuthenticateKeyAsync(key) is { } access)
            {
                var limit = access.Policy.RequestsPerMinute ?? services.GetRequiredService<IOptions<RunHubOptions>>().Value.Limits.RequestsPerMinute;
                if (limit > 0 && await services.GetRequiredService<KeyRateLimiter>().TryAcquireAsync(access.KeyHash, limit) is { } wait)
                {
                    var seconds = Math.Max(1, (int)Math.Ceiling(wait.TotalSeconds));
                    context.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
                    await AnswerShapes.WriteErrorAsync(context, RunHubErrorCodes.RateLimited,
                        $"rate limit exceeded: this key may make {limit} requests a minute; retry in {seconds} s");
                    return;
                }
            }
        }
        await next(context);
    });
}
