using System.Text.Json;
using RunHub.Catalog;
using RunHub.Client;

namespace RunHub.Cli.Client;

/// <summary>
/// A model's schema from the server's model list, read with the server's own registry reader, so that the
/// terminal refuses exactly what the server would refuse, before anything is uploaded or charged.
/// </summary>
internal static class ModelSchema
{
    /// <summary>
    /// The model, or null when the server does not list its models (RunningHub has no such endpoint; RunHub
    /// does) or lists it in a shape this version cannot read: then only the server checks the request.
    /// </summary>
    /// <exception cref="UsageException">The server lists its models and this endpoint is not among them.</exception>
    public static async Task<ModelEntry?> FindAsync(RunHubClient client, string endpoint, CancellationToken cancellationToken)
    {
        IReadOnlyList<ModelInfo> models;
        try
        {
            models = await client.ListModelsAsync(cancellationToken);
        }
        catch (RunHubException e) when (e.ErrorCode != RunHubErrorCodes.Network)
        {
            // An unreachable server is worth stopping for (the submit would fail the same way); a server
            // without a model list is not.
            ClientAction.Error($"{client.BaseUrl} does not list its models; the request is checked by the server only");
            return null;
        }

        var info = models.FirstOrDefault(m => string.Equals(m.Endpoint.Trim('/'), endpoint, StringComparison.Ordinal))
            ?? throw new UsageException($"{endpoint}: not a model of {client.BaseUrl} ('runhub models' lists them)");
        try
        {
            using var registry = JsonDocument.Parse("[" + info.Raw.GetRawText() + "]");
            return RegistryReader.ReadRegistry(registry.RootElement, "GET models").Single();
        }
        catch (CatalogFormatException e)
        {
            ClientAction.Error($"cannot read the schema of {endpoint} ({e.Message}); the request is checked by the server only");
            return null;
        }
    }
}
