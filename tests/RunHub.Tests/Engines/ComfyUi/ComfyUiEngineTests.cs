using System.Text.Json;
using System.Text.Json.Nodes;
using RunHub.Engines;
using RunHub.Tests.Support;
using SkiaSharp;

namespace RunHub.Tests.Engines.ComfyUi;

/// <summary>The comfyui engine against a real ComfyUI: what it submits, what it returns, and how it fails.</summary>
[Collection(ComfyUiCollection.Name)]
public sealed class ComfyUiEngineTests : IAsyncLifetime
{
    private ComfyServer _comfy = null!;

    public async Task InitializeAsync()
    {
        _comfy = await TestComfyUi.ServerAsync();
        await _comfy.ResetAsync();
    }

    public Task DisposeAsync() => Task.CompletedTask;

    // A colour of its own per test run: an identical graph would be answered from ComfyUI's cache.
    private static byte[] Image(int width, int height) =>
        TestImages.Png(width, height, new SKColor((byte)Random.Shared.Next(256), (byte)Random.Shared.Next(256), (byte)Random.Shared.Next(256)));

    private static async Task<(EngineOutput Output, ProgressLog Progress)> RunAsync(string server, string aspect,
        Action<JsonObject>? settings = null, Action<JsonObject>? workflow = null, params byte[][] images)
    {
        using var catalog = ComfyImageCatalog.Create(server, settings, workflow);
        var progress = new ProgressLog();
        var job = ComfyExample.Job(ComfyExample.Model(catalog.Path), "Put a lighthouse behind them", aspect, progress, images.Length == 0 ? [Image(60, 40)] : images);
        using var engine = ComfyExample.Engine(catalog.Path);
        var output = await engine.RunAsync(job, CancellationToken.None);
        return (output, progress);
    }

    private async Task<EngineException> FailAsync(string aspect = "1:1", Action<JsonObject>? settings = null, Action<JsonObject>? workflow = null,
        params byte[][] images) =>
        await Assert.ThrowsAsync<EngineException>(() => RunAsync(_comfy.Url, aspect, settings, workflow, images));

    [ComfyFact]
    public async Task Edit_submits_the_workflow_with_the_bindings_applied_and_returns_the_saved_png()
    {
        var landscape = Image(600, 400);

        var (output, progress) = await RunAsync(_comfy.Url, "2:3", workflow: ComfyImageCatalog.Slow(4, 0.05), images: [landscape]);

        var file = Assert.Single(output.Files);
        Assert.Equal("png", file.Extension);
        Assert.Equal("60", file.NodeId);
        Assert.Equal((1024, 1536), TestImages.SizeOf(file.Data!));
        using (var result = TestImages.Decode(file.Data!))
        using (var input = TestImages.Decode(landscape))
            Assert.Equal(input.GetPixel(300, 200), result.GetPixel(512, 768));
        Assert.NotNull(output.BackendMilliseconds);

        var (_, entry) = await _comfy.LatestAsync();
        var graph = ComfyServer.GraphOf(entry);
        Assert.Equal("Put a lighthouse behind them", (string)graph["20"]!["inputs"]!["value"]!);
        var imageName = (string)graph["10"]!["inputs"]!["image"]!;
        Assert.Equal(landscape, await File.ReadAllBytesAsync(Path.Combine(_comfy.InputDir, imageName)));
        Assert.Equal(1024, (int)graph["30"]!["inputs"]!["width"]!);
        Assert.Equal(1536, (int)graph["30"]!["inputs"]!["height"]!);
        Assert.NotEqual(0L, (long)graph["41"]!["inputs"]!["value"]!);
        // One image only: the second LoadImage and every link to it are gone.
        Assert.False(graph.ContainsKey("11"));
        Assert.False(graph["12"]!["inputs"]!.AsObject().ContainsKey("image2"));

        var reports = progress.Reports.ToList();
        Assert.Contains(reports, r => r.Node == "RunHubSlowPassthrough #40" && r.Percent is > 0 and < 100);
        Assert.All(reports.Where(r => r.Percent is not null), r => Assert.InRange(r.Percent!.Value, 0, 99));
    }

    [ComfyFact]
    public async Task Second_image_goes_to_the_second_LoadImage()
    {
        var portrait = Image(300, 500);

        await RunAsync(_comfy.Url, "1:1", images: [Image(600, 400), portrait]);

        var graph = ComfyServer.GraphOf((await _comfy.LatestAsync()).Entry);
        Assert.Equal(portrait, await File.ReadAllBytesAsync(Path.Combine(_comfy.InputDir, (string)graph["11"]!["inputs"]!["image"]!)));
        Assert.Equal(new JsonArray("11", 0).ToJsonString(), graph["12"]!["inputs"]!["image2"]!.ToJsonString());
    }

    [ComfyTheory]
    [InlineData(600, 400, 1536, 1024)]
    [InlineData(300, 500, 1024, 1536)]
    [InlineData(500, 480, 1024, 1024)]
    public async Task Auto_aspect_takes_the_ratio_closest_to_the_first_image(int width, int height, int expectedWidth, int expectedHeight)
    {
        var (output, _) = await RunAsync(_comfy.Url, "auto", images: [Image(width, height)]);

        Assert.Equal((expectedWidth, expectedHeight), TestImages.SizeOf(output.Files[0].Data!));
    }

    [ComfyFact]
    public async Task Seed_is_the_same_on_a_retry_of_one_task()
    {
        var image = Image(64, 64);
        await RunAsync(_comfy.Url, "1:1", images: [image]);
        var first = await _comfy.LatestAsync();
        await RunAsync(_comfy.Url, "1:1", images: [image]);
        var second = await _comfy.LatestAsync();

        Assert.NotEqual(first.PromptId, second.PromptId);
        Assert.Equal((long)ComfyServer.GraphOf(first.Entry)["41"]!["inputs"]!["value"]!, (long)ComfyServer.GraphOf(second.Entry)["41"]!["inputs"]!["value"]!);
    }

    [ComfyFact]
    public async Task Graph_ComfyUI_refuses_fails_without_retry_carrying_its_node_errors()
    {
        var error = await FailAsync(workflow: graph => graph["30"]!["inputs"]!.AsObject().Remove("upscale_method"));

        Assert.Equal("1012", error.ErrorCode);
        Assert.False(error.Retryable);
        Assert.Contains("Prompt outputs failed validation", error.Message);
        Assert.Contains("node 30 (ImageScale): Required input is missing (upscale_method)", error.Message);
        using var nodeErrors = JsonDocument.Parse(error.NodeErrors!);
        var node = nodeErrors.RootElement.GetProperty("30");
        Assert.Equal("ImageScale", node.GetProperty("class_type").GetString());
        Assert.Equal("required_input_missing", node.GetProperty("errors")[0].GetProperty("type").GetString());
    }

    [ComfyFact]
    public async Task Node_class_the_server_lacks_is_named_in_the_failure()
    {
        var error = await FailAsync(workflow: graph => graph["12"]!["class_type"] = "ImageStitchPro");

        Assert.Equal("1012", error.ErrorCode);
        Assert.False(error.Retryable);
        Assert.Contains("Cannot execute because node ImageStitchPro does not exist. (Node ID '#12')", error.Message);
        Assert.Equal("{}", error.NodeErrors);
        using var validation = JsonDocument.Parse(error.ValidationError!);
        Assert.Equal("invalid_prompt", validation.RootElement.GetProperty("type").GetString());
        Assert.Equal("Node ID '#12'", validation.RootElement.GetProperty("details").GetString());
    }

    [ComfyFact]
    public async Task Node_that_raises_fails_the_task_with_1015_and_the_exception_but_no_traceback()
    {
        // Named .png, but not an image: LoadImage passes validation (the file exists) and raises when it opens it.
        var error = await FailAsync(images: [[.. "this is not a PNG"u8, .. Guid.NewGuid().ToByteArray()]]);

        Assert.Equal("1015", error.ErrorCode);
        Assert.False(error.Retryable);
        Assert.Contains("node 10 (LoadImage)", error.Message);
        Assert.Contains("UnidentifiedImageError", error.Message);
        Assert.DoesNotContain("Traceback", error.Message);
        Assert.DoesNotContain("execution.py", error.Message);
    }

    [ComfyFact]
    public async Task Server_that_cannot_be_reached_fails_the_task_as_retryable()
    {
        var closed = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        closed.Start();
        var url = $"http://127.0.0.1:{((System.Net.IPEndPoint)closed.LocalEndpoint).Port}";
        closed.Stop();

        var error = await Assert.ThrowsAsync<EngineException>(() => RunAsync(url, "1:1"));

        Assert.True(error.Retryable);
        Assert.Contains("unreachable", error.Message);
    }

    [ComfyFact]
    public async Task Missing_workflow_file_is_reported_as_a_misconfiguration()
    {
        var error = await FailAsync(settings: s => s["workflow"] = "nowhere.json");

        Assert.Equal("1010", error.ErrorCode);
        Assert.Contains("nowhere.json not found", error.Message);
    }

    [ComfyFact]
    public async Task Map_without_an_entry_for_the_value_is_reported_as_a_misconfiguration()
    {
        var error = await FailAsync("3:2", settings: s => s["bindings"]![3]!["map"]!.AsObject().Remove("3:2"));

        Assert.Equal("1010", error.ErrorCode);
        Assert.Contains("no entry for \"3:2\"", error.Message);
    }

    /// <summary>
    /// Before 2026-12-01 every upload replaced ComfyUI's file of the name: a task with the same input as a running one
    /// truncated and rewrote the file under the other's LoadImage (a full suite failed a run that way).
    /// </summary>
    [ComfyFact]
    public async Task A_second_task_with_the_same_input_uses_the_file_on_ComfyUI_without_writing_it_again()
    {
        var image = Image(70, 50);
        await RunAsync(_comfy.Url, "1:1", images: [image]);
        var name = (string)ComfyServer.GraphOf((await _comfy.LatestAsync()).Entry)["10"]!["inputs"]!["image"]!;
        var path = Path.Combine(_comfy.InputDir, name);
        var written = File.GetLastWriteTimeUtc(path);

        await RunAsync(_comfy.Url, "3:2", images: [image]);

        Assert.Equal(name, (string)ComfyServer.GraphOf((await _comfy.LatestAsync()).Entry)["10"]!["inputs"]!["image"]!);
        Assert.Equal(written, File.GetLastWriteTimeUtc(path));
        Assert.Equal(image, await File.ReadAllBytesAsync(path));
    }

    [ComfyFact]
    public async Task Unchanged_workflow_answered_from_the_cache_with_a_deleted_file_runs_again_and_succeeds()
    {
        var image = Image(80, 60);
        var (first, _) = await RunAsync(_comfy.Url, "1:1", images: [image]);
        var firstRun = await _comfy.LatestAsync();
        var saved = (string)firstRun.Entry["outputs"]!["60"]!["images"]![0]!["filename"]!;
        File.Delete(Path.Combine(_comfy.OutputDir, saved));

        var (second, _) = await RunAsync(_comfy.Url, "1:1", images: [image]);

        // The same picture (the PNG's bytes differ: SaveImage writes the graph it ran into the file).
        Assert.Equal(TestImages.SizeOf(first.Files[0].Data!), TestImages.SizeOf(second.Files[0].Data!));
        using (var before = TestImages.Decode(first.Files[0].Data!))
        using (var after = TestImages.Decode(second.Files[0].Data!))
            Assert.Equal(before.GetPixel(500, 500), after.GetPixel(500, 500));
        var rerun = await _comfy.LatestAsync();
        Assert.NotEqual(firstRun.PromptId, rerun.PromptId);
        Assert.True(ComfyServer.GraphOf(rerun.Entry)["60"]!["inputs"]!.AsObject().ContainsKey("runhub_rerun"));
        Assert.True(File.Exists(Path.Combine(_comfy.OutputDir, saved)));
    }

    [ComfyFact]
    public async Task Oldest_supported_release_that_picks_its_own_prompt_id_is_followed_by_the_id_it_answers()
    {
        var oldest = await TestComfyUi.ServerAsync(TestComfyUi.Oldest);
        await oldest.ResetAsync();

        var (output, _) = await RunAsync(oldest.Url, "3:2", settings: s => s["lostAfterSeconds"] = 2, images: [Image(60, 40)]);

        Assert.Equal((1536, 1024), TestImages.SizeOf(Assert.Single(output.Files).Data!));
    }
}
