using RunHub.Engines.Sandbox;
using RunHub.Tests.Catalog;
using RunHub.Tests.Support;

namespace RunHub.Tests.Engines.Sandbox;

/// <summary>A server whose catalog puts video or audio models on the sandbox needs ffmpeg, and says so at start when it is missing.</summary>
public sealed class SandboxStartTests
{
    [Fact]
    public async Task A_worker_with_video_models_on_the_sandbox_and_no_ffmpeg_refuses_to_start_saying_what_to_install()
    {
        using var empty = new TempDirectory();

        var error = await Assert.ThrowsAsync<SandboxToolsMissingException>(() => TestServer.StartAsync(new Dictionary<string, string?>
        {
            ["CatalogFile"] = RunningHubRegistry.RegistryPath,
            ["Engines:Sandbox:FfmpegFolder"] = empty.Path,
        }));

        Assert.Contains("ffmpeg", error.Message, StringComparison.Ordinal);
        Assert.Contains("apt-get install ffmpeg", error.Message, StringComparison.Ordinal);
        Assert.Contains("RunHub:Engines:Sandbox:FfmpegFolder", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_api_only_node_starts_without_ffmpeg_since_it_runs_no_tasks()
    {
        using var empty = new TempDirectory();

        await using var server = await TestServer.StartAsync(new Dictionary<string, string?>
        {
            ["CatalogFile"] = RunningHubRegistry.RegistryPath,
            ["Engines:Sandbox:FfmpegFolder"] = empty.Path,
            ["Role"] = "api",
        });

        var models = await server.Http.GetStringAsync("/openapi/v2/models");
        Assert.Contains("kling-v2.5-turbo-std/text-to-video", models, StringComparison.Ordinal);
    }
}
