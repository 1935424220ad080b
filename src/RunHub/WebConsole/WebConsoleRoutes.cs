using Microsoft.Extensions.Options;
using Microsoft.AspNetCore.Authorization;
using RunHub.ApiDocs;
using RunHub.WebConsole.Security;

namespace RunHub.WebConsole;

public static class WebConsoleRoutes
{
    // WebApplication puts UseAuthentication and UseAuthorization at the head of the pipeline, for every request, unless
    // the application's builder carries these marks (which those calls set). The calls below are made on a branch, whose
    // marks do not reach the application's builder, so the marks are set here. Not public ASP.NET Core constants.
    private const string AuthenticationMiddlewareSetKey = "__AuthenticationMiddlewareSet";
    private const string AuthorizationMiddlewareSetKey = "__AuthorizationMiddlewareSet";

    /// <summary>
    /// The console at <c>/console</c>: its security headers, sessions, antiforgery, pages (<see cref="App"/>) and the
    /// few endpoints that are not pages (<see cref="ConsoleEndpoints"/>). Sessions are read only for the console's own
    /// requests (<see cref="UsesSessions"/>): an API call, authenticated by its key, does not pay for a cookie check.
    /// </summary>
    public static WebApplication MapWebConsole(this WebApplication app)
    {
        app.UseConsoleSecurityHeaders();
        app.UseWhen(UsesSessions, console =>
        {
            // Behind a trusted proxy that took the client's https, the session cookie is Secure and redirects stay on https.
            var trusted = app.Services.GetRequiredService<IOptions<RunHubOptions>>().Value.Api.TrustedProxies;
            console.Use((context, next) =>
            {
                if (!context.Request.IsHttps && Api.ForwardedBase.ForwardedHttps(context.Request, trusted)) context.Request.Scheme = "https";
                return next(context);
            });
            console.UseAuthentication();
            console.UsePlaygroundBodySize();
            console.UseAuthorization();
        });
        var marks = ((IApplicationBuilder)app).Properties;
        marks[AuthenticationMiddlewareSetKey] = true;
        marks[AuthorizationMiddlewareSetKey] = true;
        app.UseAntiforgery();
        ConsoleEndpoints.Map(app);
        app.MapRazorComponents<App>().NotAnOperation("a page of the web console (docs/console.md)");
        return app;
    }

    /// <summary>
    /// Whether a request reads the console's session cookie: everything under <c>/console</c>, and any route that
    /// asks for authorization (so that such a route elsewhere is still checked rather than refused by the framework).
    /// Routing has run, so the route is known.
    /// </summary>
    public static bool UsesSessions(HttpContext context) =>
        context.Request.Path.StartsWithSegments(ConsolePaths.Root)
        || context.GetEndpoint()?.Metadata.GetMetadata<IAuthorizeData>() is not null;
}
