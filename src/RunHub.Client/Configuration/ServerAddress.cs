namespace RunHub.Client;

/// <summary>The URLs of one server, derived from the configured base URL.</summary>
internal sealed class ServerAddress
{
    private const string ApiPath = "/openapi/v2";

    public ServerAddress(string baseUrl)
    {
        if (string.IsNullOrWhiteSpace(baseUrl))
            throw new ArgumentException(
                $"No server is named: set BaseUrl (or {RunHubClientOptions.BaseUrlVariable}), e.g. {RunHubClientOptions.LocalRunHubBaseUrl} for RunHub on this " +
                $"machine or {RunHubClientOptions.RunningHubBaseUrl} for RunningHub. There is no default, so the key and files go only where you say.",
                nameof(baseUrl));
        if (!Uri.TryCreate(baseUrl?.Trim(), UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps))
            throw new ArgumentException($"The base URL must be an absolute http or https URL, like {RunHubClientOptions.LocalRunHubBaseUrl}; got '{baseUrl}'.", nameof(baseUrl));
        var path = uri.AbsolutePath.TrimEnd('/');
        // A bare host ("http://127.0.0.1:5080") is the commonest slip; the API always lives under /openapi/v2.
        if (path.Length == 0) path = ApiPath;
        var authority = uri.GetLeftPart(UriPartial.Authority);
        Api = authority + path;
        // accountStatus is outside /openapi/v2 (POST {root}/uc/openapi/accountStatus). A server mounted under a
        // prefix keeps it; an unusual API path falls back to the host's root.
        Root = path.EndsWith(ApiPath, StringComparison.OrdinalIgnoreCase) ? authority + path[..^ApiPath.Length] : authority;
        Host = uri.IdnHost.TrimEnd('.');
    }

    /// <summary>The API base, without a trailing slash.</summary>
    public string Api { get; }

    /// <summary>Where the API is mounted: scheme, host, port and any path prefix before <c>/openapi/v2</c>.</summary>
    public string Root { get; }

    public string Host { get; }

    public Uri Endpoint(string path) => new(Api + "/" + path.TrimStart('/'));

    public Uri AccountStatus => new(Root + "/uc/openapi/accountStatus");

    /// <summary>A result URL made absolute (a server may send it relative to its root).</summary>
    public Uri Resolve(string url) =>
        // On Unix "/files/x.png" parses as an absolute file: URI; only http(s) counts as absolute here.
        Uri.TryCreate(url, UriKind.Absolute, out var absolute) && (absolute.Scheme == Uri.UriSchemeHttp || absolute.Scheme == Uri.UriSchemeHttps)
            ? absolute
            : new Uri(new Uri(Root + "/"), url);

    /// <summary>
    /// RunningHub itself does not document <c>Idempotency-Key</c>, so a lost submit to it is never re-sent; any
    /// other server (RunHub, a gateway) is assumed to honour the header unless configured otherwise.
    /// </summary>
    public bool AssumedToHonourIdempotencyKeys =>
        !IsDomainOrSubdomain(Host, "runninghub.cn") && !IsDomainOrSubdomain(Host, "runninghub.ai");

    private static bool IsDomainOrSubdomain(string host, string domain) =>
        host.Equals(domain, StringComparison.OrdinalIgnoreCase) || host.EndsWith("." + domain, StringComparison.OrdinalIgnoreCase);
}
