namespace RunHub.Api;

/// <summary>The base of handed-out file URLs: the configured public URL, else the one the client used.</summary>
public static class BaseUrl
{
    public static string Of(HttpRequest request, RunHubOptions options) =>
        string.IsNullOrWhiteSpace(options.PublicBaseUrl)
            ? $"{request.Scheme}://{request.Host}{request.PathBase}"
            : options.PublicBaseUrl.TrimEnd('/');
}
