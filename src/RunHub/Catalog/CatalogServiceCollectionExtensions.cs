namespace RunHub.Catalog;

public static class CatalogServiceCollectionExtensions
{
    /// <summary>Loads the model catalog (the catalog folder, then <c>RunHub:CatalogImports</c> in order) and registers it.</summary>
    /// <exception cref="CatalogFormatException">A catalog file is missing or malformed.</exception>
    public static IServiceCollection AddModelCatalog(this IServiceCollection services, RunHubOptions options)
    {
        services.AddSingleton(ModelCatalog.Load(options));
        return services;
    }
}
