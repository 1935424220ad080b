using Microsoft.Extensions.Options;
using RunHub.Catalog;

namespace RunHub.Engines.Sandbox;

/// <summary>
/// Stops a node that runs tasks from starting when its catalog has a video or audio model on the sandbox and ffmpeg
/// (or ffprobe) cannot be found: better one plain line at start than every such task failing later.
/// </summary>
internal sealed class SandboxMediaToolsCheck(ModelCatalog catalog, SandboxEngine sandbox, IOptions<RunHubOptions> options) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        if (!ServerRole.Parse(options.Value.Role).RunsTasks) return Task.CompletedTask;
        var needing = catalog.Models
            .Where(m => m.Engines.Any(e => e.Name == SandboxEngine.EngineName) && m.OutputType.Trim().ToLowerInvariant() is "video" or "audio")
            .Select(m => m.Endpoint)
            .ToList();
        if (needing.Count == 0) return Task.CompletedTask;
        var missing = sandbox.Ffmpeg.Missing();
        if (missing.Count > 0)
            throw new SandboxToolsMissingException(
                $"the sandbox engine needs {string.Join(" and ", missing)} for {needing.Count} video/audio model(s) of the catalog (e.g. {needing[0]}), " +
                $"and they are not on the PATH{(options.Value.Engines.Sandbox.FfmpegFolder is { Length: > 0 } f ? $" or in {f}" : "")}: " +
                "install FFmpeg (apt-get install ffmpeg) or set RunHub:Engines:Sandbox:FfmpegFolder");
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}

/// <summary>The sandbox's media tools are missing while the catalog needs them; the message says what to install.</summary>
public sealed class SandboxToolsMissingException(string message) : Exception(message);
