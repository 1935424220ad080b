namespace RunHub.Data;

public static class DataServiceCollectionExtensions
{
    /// <summary>
    /// Registers the configured <see cref="Database"/> (PostgreSQL when <c>RunHub:Store:Postgres</c> is set, else SQLite
    /// in the data folder), opened and migrated now, and <see cref="GroupCommit"/>. The container disposes it.
    /// </summary>
    /// <exception cref="StoreUnavailableException">The database cannot be opened or migrated.</exception>
    public static IServiceCollection AddDatabase(this IServiceCollection services, RunHubOptions options)
    {
        var database = Database.FromOptions(options);
        services.AddSingleton(database);
        if (database is PostgresDatabase postgres) services.AddSingleton(_ => postgres); // the container disposes its pool
        else services.AddSingleton(_ => (SqliteDatabase)database); // the container closes its kept connections
        services.AddSingleton<GroupCommit>();
        return services;
    }
}
