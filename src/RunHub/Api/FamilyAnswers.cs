using RunHub.Client;

namespace RunHub.Api;

/// <summary>
/// Turns the framework's empty answers under the API's paths into the family's JSON (clients report an empty 404 as
/// "No valid JSON found"): a path no route serves is 1001, a method the path's routes do not take is 1009 naming the
/// ones they do. A plain <c>OPTIONS</c> is answered 204 with <c>Allow</c> (CORS preflights never get here).
/// Real routes always win: this only fills in what no route answered.
/// </summary>
public static class FamilyAnswers
{
    public static void Use(IApplicationBuilder app) => app.Use(async (context, next) =>
    {
        var family = AnswerShapes.Of(context.Request.Path);
        if (family == AnswerShape.None)
        {
            await next(context);
            return;
        }
        await next(context);
        var response = context.Response;
        if (response.HasStarted) return;
        if (response.StatusCode == StatusCodes.Status405MethodNotAllowed)
        {
            var allowed = response.Headers.Allow.ToString();
            if (HttpMethods.IsOptions(context.Request.Method))
            {
                response.StatusCode = StatusCodes.Status204NoContent;
                response.Headers.Allow = allowed.Length > 0 ? $"{allowed}, OPTIONS" : "OPTIONS";
                return;
            }
            await AnswerShapes.WriteErrorAsync(context, RunHubErrorCodes.MethodNotSupported,
                $"{context.Request.Method} is not supported here; use {(allowed.Length > 0 ? allowed : "POST")}");
        }
        else if (response.StatusCode == StatusCodes.Status404NotFound && context.GetEndpoint() is null)
        {
            if (HttpMethods.IsOptions(context.Request.Method))
            {
                response.StatusCode = StatusCodes.Status204NoContent;
                return;
            }
            // A catch-all of another method can hide that the path exists: ask the route table.
            var methods = context.RequestServices.GetRequiredService<RouteMethods>().For(context.Request.Path);
            if (methods.Count > 0)
                await AnswerShapes.WriteErrorAsync(context, RunHubErrorCodes.MethodNotSupported,
                    $"{context.Request.Method} is not supported here; use {string.Join(", ", methods)}");
            else
                await AnswerShapes.WriteErrorAsync(context, RunHubErrorCodes.UnknownEndpoint, $"no API call at {Shorten(context.Request.Path.Value)}");
        }
    });

    private static string Shorten(string? path) => path is null ? "" : path.Length <= 120 ? path : path[..120] + "…";
}
