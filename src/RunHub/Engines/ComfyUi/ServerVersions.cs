using RunHub.Client;
using System.Collections.Concurrent;

namespace RunHub.Engines.ComfyUi;

/// <summary>
/// Which ComfyUI servers run a supported release (<see cref="ComfyUiVersion"/>), asked with <c>GET /system_stats</c>
/// before a server's first task and remembered for <see cref="Remembered"/>; every health probe asks again, so a
/// server that was upgraded comes back as soon as its probe passes.
/// </summary>
internal sealed class ServerVersions(TimeProvider time)
{
    public static readonly TimeSpan Remembered = TimeSpan.FromMinutes(5);
    private readonly ConcurrentDictionary<Uri, (string? Problem, DateTimeOffset CheckedAt)> _known = new();

    /// <exception cref="EngineException">The server runs a release outside the supported range (retryable: another server may not).</exception>
    public async Task EnsureSupportedAsync(ComfyUiServer server, CancellationToken cancellationToken)
    {
        var problem = _known.TryGetValue(server.BaseUrl, out var known) && time.GetUtcNow() - known.CheckedAt < Remembered
            ? known.Problem
            : await CheckAsync(server, cancellationToken);
        if (problem is not null) throw new EngineException(RunHubErrorCodes.UpstreamError, problem, retryable: true);
    }

    /// <summary>Asks the server now: null when its release is supported, else why it is refused.</summary>
    public async Task<string?> CheckAsync(ComfyUiServer server, CancellationToken cancellationToken)
    {
        var problem = ComfyUiVersion.Problem(server.BaseUrl, await server.VersionAsync(cancellationToken));
        _known[server.BaseUrl] = (problem, time.GetUtcNow());
        return problem;
    }
}
