using System.Net;
using System.Text;
using Microsoft.Extensions.Options;
using RunHub.Api;

namespace RunHub.ApiDocs;

/// <summary>
/// <c>GET /</c>: a small page for a person who opens the server's address in a browser — what this is, and links to
/// the API reference, the OpenAPI document, the web console (only when this server maps <c>/console</c>) and the
/// health check. Static HTML without scripts, under a policy that allows none. The address it names is the base of
/// RunHub's links (<see cref="BaseUrl"/>), never the request's <c>Host</c> header.
/// </summary>
public static class FrontPage
{
    public const string ConsolePath = "/console";

    public static IResult Handle(HttpContext context, EndpointDataSource endpoints, IOptions<RunHubOptions> options)
    {
        var hasConsole = endpoints.Endpoints.OfType<RouteEndpoint>()
            .Any(e => ("/" + (e.RoutePattern.RawText ?? "").TrimStart('/')).StartsWith(ConsolePath, StringComparison.Ordinal));
        var links = new StringBuilder();
        Link(links, ApiDocsRoutes.ReferencePath, "API reference", "every endpoint, its parameters, answers and error codes");
        Link(links, ApiDocsRoutes.DocumentPath, "OpenAPI document", "OpenAPI 3.1, for code generators and API tools");
        if (hasConsole) Link(links, ConsolePath, "Web console", "accounts, keys, tasks and wallets");
        Link(links, "/healthz", "Health check", "answers ok while this node is up");
        context.Response.Headers.ContentSecurityPolicy = "default-src 'none'; style-src 'unsafe-inline'";
        return Results.Content($$"""
            <!doctype html>
            <html lang="en">
            <head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>RunHub</title>
            <style>body{font:16px/1.5 system-ui,sans-serif;max-width:40rem;margin:3rem auto;padding:0 1rem;color:#222}
            a{color:#0b5cad}li{margin:.4rem 0}code{background:#f3f3f3;padding:0 .2rem}</style></head>
            <body>
            <h1>RunHub</h1>
            <p>A self-hosted server of RunningHub's model API. Point a RunningHub client at
            <code>{{WebUtility.HtmlEncode(BaseUrl.Of(context.Request, options.Value))}}/openapi/v2</code> with an API key.</p>
            <ul>
            {{links}}</ul>
            </body>
            </html>
            """, "text/html; charset=utf-8");
    }

    private static void Link(StringBuilder html, string href, string title, string what) =>
        html.Append($"<li><a href=\"{href}\">{title}</a> — {what}</li>\n");
}
