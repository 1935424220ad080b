using System.Text.Json.Nodes;
using RunHub.Catalog;
using RunHub.Engines;
using RunHub.Tests.Support;
using SkiaSharp;

namespace RunHub.Tests.Engines.ComfyUi;

/// <summary>
/// The comfyui engine against a protocol-faithful fake ComfyUI, for what a real server cannot be made to do on
/// demand: sockets that drop or stay silent, a server that dies mid-prompt or forgets it, answers that are not
/// ComfyUI's, outputs too large, releases RunHub does not support.
/// </summary>
public sealed class ComfyUiUnreliableServerTests : IAsyncLifetime
{
    private FakeComfyUi _comfy = null!;

    public async Task InitializeAsync() => _comfy = await FakeComfyUi.StartAsync();

    public async Task DisposeAsync() => await _comfy.DisposeAsync();

    private static readonly byte[] Landscape = TestImages.Png(600, 400, SKColors.OrangeRed);

    private async Task<EngineOutput> RunAsync(string aspect, Action<JsonObject>? settings = null)
    {
        using var catalog = ComfyExample.Catalog(_comfy.Url, settings);
        var job = ComfyExample.Job(ComfyExample.Model(catalog.Path), "Put a lighthouse behind them", aspect, null, Landscape);
        using var engine = ComfyExample.Engine(catalog.Path);
        return await engine.RunAsync(job, CancellationToken.None);
    }

    private async Task<EngineException> FailAsync(Action<JsonObject>? settings = null) =>
        await Assert.ThrowsAsync<EngineException>(() => RunAsync("1:1", settings));

    [Fact]
    public async Task Socket_that_drops_as_the_prompt_starts_is_replaced_by_history_polling()
    {
        _comfy.Behaviour.DropSocketOnStart = true;

        var output = await RunAsync("3:2");

        Assert.Equal((1536, 1024), TestImages.SizeOf(Assert.Single(output.Files).Data!));
    }

    [Fact]
    public async Task Socket_that_never_speaks_does_not_stop_the_task_finishing()
    {
        _comfy.Behaviour.SilentSocket = true;

        var output = await RunAsync("1:1");

        Assert.Single(output.Files);
    }

    [Fact]
    public async Task Server_that_dies_mid_task_fails_it_as_retryable()
    {
        _comfy.Behaviour.DieOnStart = true;

        var error = await FailAsync();

        Assert.Equal("1012", error.ErrorCode);
        Assert.True(error.Retryable);
        Assert.Contains(_comfy.Url, error.Message);
    }

    [Fact]
    public async Task Prompt_the_server_forgets_is_lost_and_retryable()
    {
        _comfy.Behaviour.ForgetHistory = true;

        var error = await FailAsync(settings: s => s["lostAfterSeconds"] = 0.5);

        Assert.True(error.Retryable);
        Assert.Contains("lost prompt", error.Message);
    }

    [Fact]
    public async Task Answer_that_is_not_ComfyUI_JSON_fails_the_task_clearly()
    {
        _comfy.Behaviour.MalformedPromptAnswer = true;

        var error = await FailAsync();

        Assert.Equal("1012", error.ErrorCode);
        Assert.False(error.Retryable);
        Assert.Contains("answered /prompt with something that is not its API", error.Message);
    }

    [Fact]
    public async Task Output_larger_than_the_limit_is_refused_while_it_streams()
    {
        _comfy.Behaviour.HugeOutputBytes = 3 * 1024 * 1024;

        var error = await FailAsync(settings: s => s["maxOutputMb"] = 1);

        Assert.Equal("1012", error.ErrorCode);
        Assert.Contains("larger than the limit of 1 MB", error.Message);
    }

    [Theory]
    [InlineData("0.3.20", "is version 0.3.20, older than 0.3.44")]
    [InlineData("0.4.1", "is version 0.4.1, newer than RunHub was tested with")]
    [InlineData(null, "does not report its version")]
    public async Task Server_outside_the_supported_releases_is_refused_before_any_upload_and_fails_its_health_check(string? version, string reason)
    {
        _comfy.Behaviour.Version = version;

        var error = await FailAsync();

        Assert.Equal("1012", error.ErrorCode);
        Assert.True(error.Retryable);
        Assert.Contains(reason, error.Message);
        Assert.Contains("RunHub supports ComfyUI 0.3.44 up to (not including) 0.4.0", error.Message);
        Assert.Empty(_comfy.Uploads);
        Assert.Empty(_comfy.Submitted);

        using var catalog = ComfyExample.Catalog(_comfy.Url);
        using var engine = ComfyExample.Engine(catalog.Path);
        Assert.False(await engine.IsHealthyAsync(ComfyExample.Model(catalog.Path).Engine!, CancellationToken.None));
        _comfy.Behaviour.Version = "0.3.64";
        Assert.True(await engine.IsHealthyAsync(ComfyExample.Model(catalog.Path).Engine!, CancellationToken.None));
    }
}
