using RunHub.ApiDocs;
using RunHub.WebConsole.Security;

namespace RunHub.WebConsole;

public static class WebConsoleRoutes
{
    /// <summary>
    /// The console at <c>/console</c>: its security headers, sessions, antiforgery, pages (<see cref="App"/>) and the
    /// few endpoints that are not pages (<see cref="ConsoleEndpoints"/>).
    /// </summary>
    public static WebApplication MapWebConsole(this WebApplication app)
    {
        app.UseConsoleSecurityHeaders();
        app.UseAuthentication();
        app.UsePlaygroundBodySize();
        app.UseAuthorization();
        app.UseAntiforgery();
        ConsoleEndpoints.Map(app);
        app.MapRazorComponents<App>().NotAnOperation("a page of the web console (docs/console.md)");
        return app;
    }
}
