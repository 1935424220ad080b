namespace RunHub.Files;

public static class FilesServiceCollectionExtensions
{
    /// <summary>
    /// Registers the file store (the S3 bucket when <c>RunHub:Storage:S3</c> is set, else <c>{dataDir}/files</c>),
    /// the <see cref="FileLinks"/> that give out its URLs, <see cref="StoredInputs"/> (reads inline inputs kept in the
    /// database, so needs the <c>Database</c> registered) and the startup check of the bucket.
    /// </summary>
    /// <exception cref="StorageConfigurationException">The S3 settings are incomplete or malformed.</exception>
    public static IServiceCollection AddFileStorage(this IServiceCollection services, RunHubOptions options, string dataDir)
    {
        if (options.Storage.S3.IsConfigured)
        {
            var store = new S3FileStore(S3Settings.From(options.Storage.S3));
            services.AddSingleton(store);
            services.AddSingleton<IFileStore>(store);
            services.AddHostedService<StorageStartupCheck>();
        }
        else
        {
            services.AddSingleton<IFileStore>(new LocalFileStore(Path.Combine(dataDir, "files")));
        }
        services.AddSingleton<FileLinks>();
        services.AddSingleton<UploadedFiles>();
        services.AddSingleton<StoredInputs>();
        return services;
    }
}
