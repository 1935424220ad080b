using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using RunHub.Engines;
using RunHub.Tests.Support;
using SkiaSharp;

namespace RunHub.Tests.Engines.ComfyUi;

/// <summary>The comfyui engine against a fake ComfyUI: what it submits, what it returns, and how it fails.</summary>
public sealed class ComfyUiEngineTests : IAsyncLifetime
{
    private FakeComfyUi _comfy = null!;

    public async Task InitializeAsync() => _comfy = await FakeComfyUi.StartAsync();

    public async Task DisposeAsync() => await _comfy.DisposeAsync();

    private static readonly byte[] Landscape = TestImages.Png(600, 400, SKColors.OrangeRed);
    private static readonly byte[] Portrait = TestImages.Png(300, 500, SKColors.SteelBlue);

    private async Task<(EngineOutput Output, ProgressLog Progress)> RunAsync(string aspect, Action<JsonObject>? settings = null,
        Action<JsonObject>? workflow = null, params byte[][] images)
    {
        using var catalog = ComfyExample.Catalog(_comfy.Url, settings, workflow);
        var progress = new ProgressLog();
        var job = ComfyExample.Job(ComfyExample.Model(catalog.Path), "Put a lighthouse behind them", aspect, progress, images.Length == 0 ? [Landscape] : images);
        using var engine = ComfyExample.Engine(catalog.Path);
        var output = await engine.RunAsync(job, CancellationToken.None);
        return (output, progress);
    }

    private async Task<EngineException> FailAsync(string aspect = "1:1", Action<JsonObject>? settings = null, Action<JsonObject>? workflow = null) =>
        await Assert.ThrowsAsync<EngineException>(() => RunAsync(aspect, settings, workflow));

    [Fact]
    public async Task Edit_submits_the_workflow_with_the_bindings_applied_and_returns_the_saved_png()
    {
        var (output, progress) = await RunAsync("2:3");

        var file = Assert.Single(output.Files);
        Assert.Equal("png", file.Extension);
        Assert.Equal((1024, 1536), TestImages.SizeOf(file.Data!));
        using (var bitmap = TestImages.Decode(file.Data!)) Assert.Equal(SKColors.OrangeRed, bitmap.GetPixel(512, 768));

        var submitted = Assert.Single(_comfy.Submitted);
        Assert.Matches(new Regex("^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$"), (string)submitted["prompt_id"]!);
        Assert.Matches(new Regex("^[0-9a-f]{32}$"), (string)submitted["client_id"]!);
        var graph = _comfy.LastPrompt;
        Assert.Equal("Put a lighthouse behind them", (string)graph["20"]!["inputs"]!["prompt"]!);
        Assert.Equal("", (string)graph["21"]!["inputs"]!["prompt"]!);
        var imageName = (string)graph["10"]!["inputs"]!["image"]!;
        Assert.Equal(Landscape, _comfy.Uploads[imageName]);
        Assert.Equal(1024, (int)graph["30"]!["inputs"]!["width"]!);
        Assert.Equal(1536, (int)graph["30"]!["inputs"]!["height"]!);
        Assert.NotEqual(0L, (long)graph["40"]!["inputs"]!["seed"]!);
        // One image only: the second LoadImage and every link to it are gone.
        Assert.False(graph.ContainsKey("11"));
        Assert.False(graph["20"]!["inputs"]!.AsObject().ContainsKey("image2"));
        Assert.False(graph["21"]!["inputs"]!.AsObject().ContainsKey("image2"));

        var reports = progress.Reports.ToList();
        Assert.Contains(reports, r => r.Node == "KSampler #40" && r.Percent is > 0 and < 100);
        Assert.All(reports.Where(r => r.Percent is not null), r => Assert.InRange(r.Percent!.Value, 0, 99));
    }

    [Fact]
    public async Task Second_image_goes_to_the_second_LoadImage()
    {
        await RunAsync("1:1", images: [Landscape, Portrait]);

        var graph = _comfy.LastPrompt;
        Assert.Equal(Portrait, _comfy.Uploads[(string)graph["11"]!["inputs"]!["image"]!]);
        Assert.Equal(new JsonArray("11", 0).ToJsonString(), graph["20"]!["inputs"]!["image2"]!.ToJsonString());
    }

    [Theory]
    [InlineData(600, 400, 1536, 1024)]
    [InlineData(300, 500, 1024, 1536)]
    [InlineData(500, 480, 1024, 1024)]
    public async Task Auto_aspect_takes_the_ratio_closest_to_the_first_image(int width, int height, int expectedWidth, int expectedHeight)
    {
        var (output, _) = await RunAsync("auto", images: [TestImages.Png(width, height)]);

        Assert.Equal((expectedWidth, expectedHeight), TestImages.SizeOf(output.Files[0].Data!));
    }

    [Fact]
    public async Task Seed_is_the_same_on_a_retry_of_one_task()
    {
        await RunAsync("1:1");
        await RunAsync("1:1");

        var seeds = _comfy.Submitted.Select(s => (long)s["prompt"]!["40"]!["inputs"]!["seed"]!).ToList();
        Assert.Equal(seeds[0], seeds[1]);
        Assert.NotEqual((string)_comfy.Submitted.First()["prompt_id"]!, (string)_comfy.Submitted.Last()["prompt_id"]!);
    }

    [Fact]
    public async Task Graph_ComfyUI_refuses_fails_without_retry_carrying_its_node_errors()
    {
        var error = await FailAsync(workflow: graph => graph["3"]!["inputs"]!.AsObject().Remove("vae_name"));

        Assert.Equal("1012", error.ErrorCode);
        Assert.False(error.Retryable);
        Assert.Contains("Prompt outputs failed validation", error.Message);
        Assert.Contains("node 3 (VAELoader): Required input is missing (vae_name)", error.Message);
        using var nodeErrors = JsonDocument.Parse(error.NodeErrors!);
        var node = nodeErrors.RootElement.GetProperty("3");
        Assert.Equal("VAELoader", node.GetProperty("class_type").GetString());
        Assert.Equal("required_input_missing", node.GetProperty("errors")[0].GetProperty("type").GetString());
    }

    [Fact]
    public async Task Node_class_the_server_lacks_is_named_in_the_failure()
    {
        var error = await FailAsync(workflow: graph => graph["5"]!["class_type"] = "CFGNormalizer");

        Assert.Equal("1012", error.ErrorCode);
        Assert.False(error.Retryable);
        Assert.Contains("Node 'CFGNormalizer' not found", error.Message);
        Assert.Equal("{}", error.NodeErrors);
    }

    [Fact]
    public async Task Node_that_raises_fails_the_task_with_1015_and_the_exception_but_no_traceback()
    {
        _comfy.Behaviour.FailNode = "40";

        var error = await FailAsync();

        Assert.Equal("1015", error.ErrorCode);
        Assert.False(error.Retryable);
        Assert.Contains("node 40 (KSampler)", error.Message);
        Assert.Contains("torch.OutOfMemoryError: Allocation on device 0 would exceed allowed memory", error.Message);
        Assert.DoesNotContain("execution.py", error.Message);
    }

    [Fact]
    public async Task Socket_that_drops_as_the_prompt_starts_is_replaced_by_history_polling()
    {
        _comfy.Behaviour.DropSocketOnStart = true;

        var (output, _) = await RunAsync("3:2");

        Assert.Equal((1536, 1024), TestImages.SizeOf(Assert.Single(output.Files).Data!));
    }

    [Fact]
    public async Task Socket_that_never_speaks_does_not_stop_the_task_finishing()
    {
        _comfy.Behaviour.SilentSocket = true;

        var (output, _) = await RunAsync("1:1");

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
    public async Task Server_that_cannot_be_reached_fails_the_task_as_retryable()
    {
        var url = _comfy.Url;
        await _comfy.DisposeAsync();
        _comfy = await FakeComfyUi.StartAsync();

        var error = await Assert.ThrowsAsync<EngineException>(async () =>
        {
            using var catalog = ComfyExample.Catalog(url);
            using var engine = ComfyExample.Engine(catalog.Path);
            await engine.RunAsync(ComfyExample.Job(ComfyExample.Model(catalog.Path), "Put a lighthouse behind them", "1:1", null, Landscape), CancellationToken.None);
        });

        Assert.True(error.Retryable);
        Assert.Contains("unreachable", error.Message);
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

    [Fact]
    public async Task Missing_workflow_file_is_reported_as_a_misconfiguration()
    {
        var error = await FailAsync(settings: s => s["workflow"] = "nowhere.json");

        Assert.Equal("1010", error.ErrorCode);
        Assert.Contains("nowhere.json not found", error.Message);
    }

    [Fact]
    public async Task Map_without_an_entry_for_the_value_is_reported_as_a_misconfiguration()
    {
        var error = await FailAsync("3:2", settings: s => s["bindings"]![3]!["map"]!.AsObject().Remove("3:2"));

        Assert.Equal("1010", error.ErrorCode);
        Assert.Contains("no entry for \"3:2\"", error.Message);
    }
}
