using RunHub.Tests.Support;

namespace RunHub.Tests.Workflows;

/// <summary>
/// What most workflow tests run against: the current real ComfyUI (its queue and history reset), the workflow test
/// catalog (<see cref="WorkflowFolder"/>) pointing at it, and a RunHub server on that catalog.
/// </summary>
internal sealed record WorkflowServer(ComfyServer Comfy, TempDirectory Catalog, TestServer Server) : IAsyncDisposable
{
    public static async Task<WorkflowServer> StartAsync()
    {
        var comfy = await TestComfyUi.ServerAsync();
        await comfy.ResetAsync();
        var catalog = WorkflowFolder.Create(comfy.Url);
        try
        {
            return new WorkflowServer(comfy, catalog, await TestServer.StartAsync(new Dictionary<string, string?> { ["CatalogDir"] = catalog.Path }));
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
