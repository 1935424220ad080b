using RunHub.Api;

namespace RunHub.Cli;

/// <summary>
/// What <c>serve</c> says at start about the links it will hand out (<see cref="BaseUrl"/>): their configured base, or
/// that they name the address each request arrived at, with a warning when the server listens on every interface
/// without <c>RunHub:PublicBaseUrl</c>, where that address may be one other clients cannot reach.
/// </summary>
public static class LinkBaseNotice
{
    public static void Write(RunHubOptions options, IReadOnlyList<string> listening, TextWriter output, TextWriter errors)
    {
        if (!string.IsNullOrWhiteSpace(options.PublicBaseUrl))
        {
            output.WriteLine($"Links to results and uploads start with {options.PublicBaseUrl.TrimEnd('/')} (RunHub:PublicBaseUrl).");
            return;
        }
        var proxies = options.Api.TrustedProxies.Count > 0
            ? $", or on what a proxy in RunHub:Api:TrustedProxies ({string.Join(", ", options.Api.TrustedProxies)}) forwarded"
            : "";
        output.WriteLine($"Links to results and uploads are built on the address each request arrived at{proxies}; " +
            "set RunHub:PublicBaseUrl (RunHub__PublicBaseUrl) to the URL clients use.");
        if (listening.Any(BaseUrl.IsAllInterfaces))
            errors.WriteLine("runhub: warning: listening on all interfaces without RunHub:PublicBaseUrl: links will name whichever of this " +
                "machine's addresses a client connected to, which other clients may not reach; set RunHub__PublicBaseUrl=https://your.host");
    }
}
