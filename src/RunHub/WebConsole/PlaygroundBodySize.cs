using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Options;
using RunHub.Api;
using RunHub.Catalog;
using RunHub.WebConsole.Security;

namespace RunHub.WebConsole;

/// <summary>
/// The playground's run form carries the user's files, so its body may be larger than Kestrel's default
/// (<c>Api:MaxJsonBodyKb</c>). For a signed-in user's POST to <c>/console/playground</c> the limit is raised to the
/// largest form of the chosen model (<see cref="PlaygroundRequest.BodyBudget"/>: its media parameters' files, each at
/// most <c>Media:MaxUploadMb</c>) before anything reads the form, and each file may take all of it (files past 64 KB are
/// buffered on disk, not in memory); signed-out visitors keep the defaults.
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
            var budget = PlaygroundRequest.BodyBudget(model, options.Media.MaxUploadMb, services.GetRequiredService<BodyLimits>().Json);
            BodySize.AllowAtLeast(request, budget);
            // Any one file may be as large as the whole form, so that a file too large for its field reaches the
            // playground's own check (which names it) instead of failing the form read with a bare 400.
            var form = services.GetRequiredService<IOptions<FormOptions>>().Value;
            context.Features.Set<IFormFeature>(new FormFeature(request, new FormOptions
            {
                MultipartBodyLengthLimit = budget,
                ValueLengthLimit = form.ValueLengthLimit,
                ValueCountLimit = form.ValueCountLimit,
                KeyLengthLimit = form.KeyLengthLimit,
                MemoryBufferThreshold = form.MemoryBufferThreshold,
            }));
        }
        await next(context);
    });
}
