namespace RunHub.Files;

/// <summary>
/// Checks the bucket before the node takes requests or tasks (it is registered ahead of them), so a wrong
/// setting stops the start with a clear message instead of failing every upload and result later.
/// </summary>
internal sealed class StorageStartupCheck(S3FileStore store, ILogger<StorageStartupCheck> logger) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await store.CheckBucketAsync(cancellationToken);
        logger.LogInformation("Files are stored in {Store}; URLs given out: {Urls}", store.Settings, store.Settings.Urls);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
