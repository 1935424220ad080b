namespace RunHub.WebConsole.Security;

/// <summary>
/// The headers every console response carries: a content security policy that allows only the console's own script
/// and stylesheet (no inline script, no eval), images and media from itself and data: URIs (QR codes, previews),
/// no framing by any site (clickjacking), no content sniffing, no referrer to other sites, and no caching of pages
/// that show account data.
/// </summary>
public static class SecurityHeaders
{
    public const string ContentSecurityPolicy =
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; media-src 'self' blob:; " +
        "connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

    public static IApplicationBuilder UseConsoleSecurityHeaders(this IApplicationBuilder app) =>
        app.Use((context, next) =>
        {
            // The callback is made in a method of its own: a lambda here that captured the request would be allocated
            // for every request, API calls included.
            if (context.Request.Path.StartsWithSegments(ConsolePaths.Root)) context.Response.OnStarting(AddHeaders, context.Response);
            return next(context);
        });

    private static Task AddHeaders(object state)
    {
        var headers = ((HttpResponse)state).Headers;
        // A response that set a policy of its own keeps it: a served file's allows nothing at all (ServedFileHeaders).
        if (!headers.ContainsKey("Content-Security-Policy")) headers.ContentSecurityPolicy = ContentSecurityPolicy;
        headers.XContentTypeOptions = "nosniff";
        headers.XFrameOptions = "DENY";
        headers["Referrer-Policy"] = "same-origin";
        headers["Cross-Origin-Opener-Policy"] = "same-origin";
        headers["Permissions-Policy"] = "camera=(), microphone=(), geolocation=()";
        if (!headers.ContainsKey("Cache-Control")) headers.CacheControl = "no-store";
        return Task.CompletedTask;
    }
}
