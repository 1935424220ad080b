using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace RunHub.Client;

/// <summary>Registers <see cref="RunHubClient"/> as a typed client of <c>IHttpClientFactory</c>.</summary>
public static class RunHubServiceCollectionExtensions
{
    /// <summary>
    /// Adds <see cref="RunHubClient"/> (transient, on a factory-managed <see cref="HttpClient"/>) and
    /// <see cref="RunHubClientOptions"/>: first from <c>RH_API_KEY</c>/<c>RH_API_BASE_URL</c> when they are set,
    /// then <paramref name="configure"/>. Returns the client builder, for handlers or a primary handler of your own.
    /// </summary>
    public static IHttpClientBuilder AddRunHubClient(this IServiceCollection services, Action<RunHubClientOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        var options = services.AddOptions<RunHubClientOptions>().Configure(o => o.ApplyEnvironment(Environment.GetEnvironmentVariable));
        if (configure is not null) options.Configure(configure);
        return services
            .AddHttpClient<RunHubClient, RunHubClient>((http, provider) => new RunHubClient(provider.GetRequiredService<IOptions<RunHubClientOptions>>().Value, http))
            // The client bounds each attempt itself (RequestTimeout) and must tell its own timeout from the caller's cancellation.
            .ConfigureHttpClient(http => http.Timeout = Timeout.InfiniteTimeSpan);
    }
}
