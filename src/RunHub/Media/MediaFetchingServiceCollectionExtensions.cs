using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace RunHub.Media;

public static class MediaFetchingServiceCollectionExtensions
{
    /// <summary>
    /// Registers <see cref="InputFetcher"/> as a singleton (it owns one guarded connection pool) and
    /// <see cref="InlineInputs"/> (with the <see cref="Files.FileLinks"/> it gives out URLs by, unless registered). Needs
    /// <c>IOptions&lt;RunHubOptions&gt;</c> configured and an <see cref="Files.IFileStore"/> registered; the fetcher also reads
    /// inline inputs kept in the database when <see cref="Files.StoredInputs"/> is registered (<c>AddFileStorage</c>).
    /// </summary>
    public static IServiceCollection AddMediaFetching(this IServiceCollection services)
    {
        services.AddOptions();
        services.TryAddSingleton<InputFetcher>();
        services.TryAddSingleton<Files.FileLinks>();
        services.TryAddSingleton<InlineInputs>();
        return services;
    }
}
