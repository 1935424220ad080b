using RunHub.Tests.Support;

namespace RunHub.Tests.Workflows;

/// <summary>
/// The workflow test catalog (<see cref="WorkflowFolder"/>) with its ComfyUI server at a closed port, a RunHub server on
/// it, and a v1 caller with 1 CNY: for tests of what a run's submit accepts or refuses, where no ComfyUI is contacted.
/// </summary>
internal sealed record OfflineWorkflowServer(TempDirectory Catalog, TestServer Server, V1Caller V1) : IAsyncDisposable
{
    /// <param name="settings">More server settings (configuration keys under RunHub).</param>
    /// <param name="registration">Changes to the workflow's registration file (<see cref="WorkflowFolder.Create"/>).</param>
    public static async Task<OfflineWorkflowServer> StartAsync(IDictionary<string, string?>? settings = null,
        Action<Microsoft.Extensions.DependencyInjection.IServiceCollection>? configureServices = null,
        Action<System.Text.Json.Nodes.JsonObject>? registration = null)
    {
        var catalog = WorkflowFolder.Create("http://127.0.0.1:9", registration);
        try
        {
            var all = new Dictionary<string, string?>(settings ?? new Dictionary<string, string?>()) { ["CatalogDir"] = catalog.Path };
            var server = await TestServer.StartAsync(all, configureServices: configureServices);
            return new OfflineWorkflowServer(catalog, server, new V1Caller(await server.NewCallerAsync(balance: 1m)));
        }
        catch
        {
            catalog.Dispose();
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await Server.DisposeAsync();
        Catalog.Dispose();
    }
}
