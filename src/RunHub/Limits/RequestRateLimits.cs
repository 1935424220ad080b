using RunHub.Accounts;
using RunHub.Api;

namespace RunHub.Limits;

/// <summary>
/// The request rate of a Bearer key, before any other work: an API call (any family) with a Bearer key of a valid
/// shape is checked at once (<see cref="RequestKeys"/>, which counts the key's request, <see cref="RequestRate"/>);
/// a key over its rate is answered with RunningHub's 1003 in the path's answer shape, saying when to retry, and a
/// <c>Retry-After</c> header (seconds), before any of the body is read. Every other refusal is left to the call
/// itself (1002, 802), and a key carried elsewhere (a JSON body, a form, the query string) is counted by the call when
/// it checks the key, through the same <see cref="RequestKeys"/>, so every request is counted once whatever carries its key.
/// </summary>
public static class RequestRateLimits
{
    public static void Use(IApplicationBuilder app) => app.Use(async (context, next) =>
    {
        if (AnswerShapes.Of(context.Request.Path) != AnswerShape.None && BearerKey.From(context.Request, out _) is { } key && ApiKey.HasValidShape(key))
        {
            var check = await context.RequestServices.GetRequiredService<RequestKeys>().CheckAsync(context, key, BearerKey.MissingMessage);
            if (check.Refusal == KeyRefusal.RateLimited)
            {
                await AnswerShapes.WriteErrorAsync(context, Client.RunHubErrorCodes.RateLimited, check.Message);
                return;
            }
        }
        await next(context);
    });
}
