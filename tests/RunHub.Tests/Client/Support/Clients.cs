using RunHub.Client;
using RunHub.Tests.Support;

namespace RunHub.Tests.Client.Support;

/// <summary>SDK clients for tests: the real server's address and a caller's key, with short polls and retry delays.</summary>
internal static class Clients
{
    public static RunHubClientOptions FastOptions(string baseUrl, string apiKey) => new()
    {
        ApiKey = apiKey,
        BaseUrl = baseUrl,
        PollInterval = TimeSpan.FromMilliseconds(50),
        WaitTimeout = TimeSpan.FromSeconds(60),
        RequestTimeout = TimeSpan.FromSeconds(30),
        RetryBaseDelay = TimeSpan.FromMilliseconds(5),
        RetryMaxDelay = TimeSpan.FromMilliseconds(50),
    };

    /// <summary>A client of <paramref name="server"/> with <paramref name="caller"/>'s key, optionally through <paramref name="handler"/>.</summary>
    public static RunHubClient For(TestServer server, ApiCaller caller, Action<RunHubClientOptions>? configure = null, HttpMessageHandler? handler = null)
    {
        var options = FastOptions(server.BaseUrl + "/openapi/v2", caller.ApiKey);
        configure?.Invoke(options);
        return handler is null ? new RunHubClient(options) : new RunHubClient(options, new HttpClient(handler));
    }

    /// <summary>A client of a fake server (see <see cref="FakeServer"/>) at an address nothing listens on.</summary>
    public static RunHubClient For(FakeServer fake, Action<RunHubClientOptions>? configure = null, string baseUrl = "http://runhub.test/openapi/v2")
    {
        var options = FastOptions(baseUrl, "0123456789abcdef0123456789abcdef");
        configure?.Invoke(options);
        return new RunHubClient(options, new HttpClient(fake));
    }
}
