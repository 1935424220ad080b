using RunHub.Tests.Data;
using RunHub.Tests.Support;

namespace RunHub.Tests.Cluster;

/// <summary>
/// <c>runhub serve</c> child processes sharing one PostgreSQL store and one S3 bucket, as the nodes of a cluster on
/// separate machines do (each has its own data folder, which holds nothing shared). Each node is started with its
/// role and settings as environment variables (<c>RunHub__Role</c>, ...).
/// </summary>
public sealed class ClusterNodes : IAsyncDisposable
{
    private readonly List<ServerProcess> _nodes = [];
    private readonly List<TempDirectory> _folders = [];

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
            foreach (var (key, value) in TestS3.EnvironmentVariables()) environment[key] = value;
            foreach (var (key, value) in Quiet) environment[key] = value;
            foreach (var (key, value) in settings) environment[key] = value;
            var data = new TempDirectory();
            lock (_folders) _folders.Add(data);
            return ServerProcess.StartAsync(data.Path, environment);
        }));
        _nodes.AddRange(started);
        return started;
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var node in _nodes) await node.DisposeAsync();
        foreach (var folder in _folders) folder.Dispose();
    }
}

/// <summary>A test of a cluster: it needs both PostgreSQL and the S3-compatible server (skipped or failed like <see cref="PostgresFactAttribute"/>).</summary>
public sealed class ClusterFactAttribute : FactAttribute
{
    public ClusterFactAttribute()
    {
        if (TestServices.PostgresSkipReason is { } reason) Skip = reason;
        else if (!TestS3.IsAvailable && !TestS3.IsRequired) Skip = $"needs an S3-compatible server: {TestS3.MissingMessage}";
    }
}
