using Microsoft.Extensions.Options;
using RunHub.Api;
using RunHub.Catalog;
using RunHub.WebConsole.Security;

namespace RunHub.WebConsole;

/// <summary>
/// The playground's run form carries the user's files, so its body may be larger than Kestrel's default
/// (<c>Api:MaxJsonBodyKb</c>). For a signed-in user's POST to <c>/console/playground</c> the limit is raised to the
/// largest form of the chosen model (<see cref="PlaygroundRequest.BodyBudget"/>: its media parameters' files, each at
/// most <c>Media:MaxUploadMb</c>) before anything reads the form; signed-out visitors keep the default.
/// </summary>
public static class PlaygroundBodySize
{
    /// <summary>Runs after authentication and before antiforgery (which reads the form).</summary>
    public static IApplicationBuilder UsePlaygroundBodySize(this IApplicationBuilder app) => app.Use(async (context, next) =>
    {
        var request = context.Request;
        if (HttpMethods.IsPost(request.Method) && request.Path.Equals(ConsolePaths.Playground, StringComparison.Ordinal)
            && ConsoleClaims.AccountIdOf(context.User) is not null
            && PlaygroundRequest.ModelFor(context.RequestServices.GetRequiredService<ModelCatalog>(), request.Query["model"]) is { } model)
        {
            var services = context.RequestServices;
            var options = services.GetRequiredService<IOptions<RunHubOptions>>().Value;
            BodySize.AllowAtLeast(request, PlaygroundRequest.BodyBudget(model, options.Media.MaxUploadMb, services.GetRequiredService<BodyLimits>().Json));
        }
        await next(context);
    });
}
