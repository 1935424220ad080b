using RunHub.Files;

namespace RunHub.Api;

/// <summary>The base of handed-out file URLs: the configured public URL, else the one the client used.</summary>
public static class BaseUrl
{
    public static string Of(HttpRequest request, RunHubOptions options) =>
        string.IsNullOrWhiteSpace(options.PublicBaseUrl)
            ? $"{request.Scheme}://{request.Host}{request.PathBase}"
            : options.PublicBaseUrl.TrimEnd('/');

    /// <summary>The URLs of stored files for this request's client (RunHub's own, presigned or public, as configured).</summary>
    public static Func<string, string> FileUrls(HttpRequest request, RunHubOptions options, FileLinks links)
    {
        var baseUrl = Of(request, options);
        return key => links.UrlOf(key, baseUrl);
    }
}
