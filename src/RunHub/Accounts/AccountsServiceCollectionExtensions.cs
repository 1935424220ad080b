namespace RunHub.Accounts;

public static class AccountsServiceCollectionExtensions
{
    /// <summary>Registers <see cref="AccountDirectory"/> with a key cache of <c>RunHub:KeyCacheSeconds</c>. Needs the database.</summary>
    public static IServiceCollection AddAccounts(this IServiceCollection services, RunHubOptions options)
    {
        services.AddSingleton(s => new ApiKeyCache(TimeSpan.FromSeconds(options.KeyCacheSeconds), s.GetRequiredService<TimeProvider>()));
        services.AddSingleton<KeyUsage>();
        services.AddHostedService(s => s.GetRequiredService<KeyUsage>());
        services.AddSingleton<AccountDirectory>();
        return services;
    }
}
