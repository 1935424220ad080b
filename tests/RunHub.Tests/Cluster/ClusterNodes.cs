using RunHub.Tests.Store;
using RunHub.Tests.Support;

namespace RunHub.Tests.Cluster;

/// <summary>
/// <c>runhub serve</c> child processes sharing one PostgreSQL store and one file folder, as nodes of a cluster on
/// separate machines would share a database and a bucket. Each node is started with its role and settings as
/// environment variables (<c>RunHub__Role</c>, ...).
/// </summary>
public sealed class ClusterNodes : IAsyncDisposable
{
    private readonly List<ServerProcess> _nodes = [];

    public ClusterNodes(TestStore store) => Store = store;

    public TestStore Store { get; }

    public static readonly IReadOnlyDictionary<string, string> Quiet = new Dictionary<string, string>
    {
        ["Logging__LogLevel__Default"] = "Warning",
        ["Logging__LogLevel__Microsoft.Hosting.Lifetime"] = "Warning",
    };

    /// <summary>Starts nodes at once (so they also migrate an empty schema at once); settings are RunHub__ variables.</summary>
    public async Task<ServerProcess[]> StartAsync(params Dictionary<string, string>[] nodeSettings)
    {
        var started = await Task.WhenAll(nodeSettings.Select(settings =>
        {
            var environment = new Dictionary<string, string>(Store.ProcessEnvironment);
            foreach (var (key, value) in Quiet) environment[key] = value;
            foreach (var (key, value) in settings) environment[key] = value;
            return ServerProcess.StartAsync(Store.DataDir, environment);
        }));
        _nodes.AddRange(started);
        return started;
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var node in _nodes) await node.DisposeAsync();
    }
}
