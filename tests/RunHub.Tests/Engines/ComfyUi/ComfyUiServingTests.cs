using System.Text.Json;
using System.Text.Json.Nodes;
using RunHub.Tests.Support;
using SkiaSharp;

namespace RunHub.Tests.Engines.ComfyUi;

/// <summary>The real server serving the seed edit on a real ComfyUI, as a RunningHub client sees it.</summary>
[Collection(ComfyUiCollection.Name)]
public sealed class ComfyUiServingTests : IAsyncLifetime
{
    private ComfyServer _comfy = null!;

    public async Task InitializeAsync()
    {
        _comfy = await TestComfyUi.ServerAsync();
        await _comfy.ResetAsync();
    }

    public Task DisposeAsync() => Task.CompletedTask;

    private static async Task<(ApiCaller Caller, string ImageUrl)> CallerWithUploadAsync(TestServer server)
    {
        var caller = await server.NewCallerAsync(balance: 1m);
        var color = new SKColor((byte)Random.Shared.Next(256), (byte)Random.Shared.Next(256), (byte)Random.Shared.Next(256));
        var upload = await caller.UploadAsync(TestImages.Png(600, 400, color), "input.png", "image/png");
        return (caller, (string)upload["data"]!["download_url"]!);
    }

    private static Task<TestServer> ServeAsync(TempDirectory catalog, IDictionary<string, string?>? more = null)
    {
        var settings = new Dictionary<string, string?> { ["CatalogDir"] = catalog.Path };
        foreach (var (key, value) in more ?? new Dictionary<string, string?>()) settings[key] = value;
        return TestServer.StartAsync(settings);
    }

    private static object Edit(string imageUrl, string aspectRatio = "1:1") =>
        new { prompt = "make it look like winter", imageUrls = new[] { imageUrl }, aspectRatio };

    [ComfyFact]
    public async Task Seed_edit_runs_on_ComfyUI_and_the_client_downloads_its_image()
    {
        using var catalog = ComfyImageCatalog.Create(_comfy.Url);
        await using var server = await ServeAsync(catalog);
        var (caller, imageUrl) = await CallerWithUploadAsync(server);

        var submitted = await caller.SubmitAsync(ComfyExample.Endpoint,
            new { prompt = "A sudden, massive explosion behind three friends", imageUrls = new[] { imageUrl }, aspectRatio = "2:3" });
        var done = await caller.WaitAsync((string)submitted["taskId"]!);

        Assert.Equal("SUCCESS", (string)done["status"]!);
        var result = done["results"]!.AsArray().Single()!;
        Assert.Equal("png", (string)result["outputType"]!);
        var png = await server.Http.GetByteArrayAsync((string)result["url"]!);
        var (_, entry) = await _comfy.LatestAsync();
        var saved = (string)entry["outputs"]!["60"]!["images"]![0]!["filename"]!;
        Assert.Equal(await File.ReadAllBytesAsync(Path.Combine(_comfy.OutputDir, saved)), png);
        Assert.Equal((1024, 1536), TestImages.SizeOf(png));
        Assert.Equal("A sudden, massive explosion behind three friends", (string)ComfyServer.GraphOf(entry)["20"]!["inputs"]!["value"]!);
        Assert.Equal(0.97m, await caller.BalanceAsync());
    }

    [ComfyFact]
    public async Task ComfyUI_that_does_not_finish_in_time_times_the_task_out_and_its_prompt_is_interrupted()
    {
        using var catalog = ComfyImageCatalog.Create(_comfy.Url, workflow: ComfyImageCatalog.Slow(1000, 0.1), timeoutSeconds: 2);
        await using var server = await ServeAsync(catalog);
        var (caller, imageUrl) = await CallerWithUploadAsync(server);

        var submitted = await caller.SubmitAsync(ComfyExample.Endpoint, Edit(imageUrl));
        var done = await caller.WaitAsync((string)submitted["taskId"]!);

        Assert.Equal("FAILED", (string)done["status"]!);
        Assert.Equal("1006", (string)done["errorCode"]!);
        await _comfy.UntilIdleAsync();
        Assert.True(ComfyServer.WasInterrupted((await _comfy.LatestAsync()).Entry));
        Assert.Equal(1m, await caller.BalanceAsync());
    }

    [ComfyFact]
    public async Task Workflow_ComfyUI_refuses_fails_the_task_with_the_upstream_code_and_its_node_errors()
    {
        using var catalog = ComfyImageCatalog.Create(_comfy.Url, workflow: graph => graph["30"]!["inputs"]!.AsObject().Remove("upscale_method"));
        await using var server = await ServeAsync(catalog);
        var (caller, imageUrl) = await CallerWithUploadAsync(server);

        var submitted = await caller.SubmitAsync(ComfyExample.Endpoint, Edit(imageUrl));
        var done = await caller.WaitAsync((string)submitted["taskId"]!);

        Assert.Equal("FAILED", (string)done["status"]!);
        Assert.Equal("1012", (string)done["errorCode"]!);
        Assert.Contains("node 30 (ImageScale)", (string)done["errorMessage"]!);
        var tips = JsonNode.Parse((string)done["promptTips"]!)!;
        Assert.False((bool)tips["result"]!);
        Assert.Equal("prompt_outputs_failed_validation", (string)tips["error"]!["type"]!);
        // ComfyUI says nothing more when the node with the error is not an output node itself.
        Assert.Equal("", (string)tips["error"]!["details"]!);
        Assert.Equal("ImageScale", (string)tips["node_errors"]!["30"]!["class_type"]!);
        Assert.Equal("required_input_missing", (string)tips["node_errors"]!["30"]!["errors"]![0]!["type"]!);
        Assert.Equal(1m, await caller.BalanceAsync());
    }

    [ComfyFact]
    public Task Task_moves_to_the_next_server_of_the_pool_when_its_server_is_down() => MovesToNextServerAsync();

    private async Task MovesToNextServerAsync()
    {
        await using var relay = new TcpRelay(_comfy.Url);
        relay.Cut();
        using var catalog = ComfyImageCatalog.Create(_comfy.Url, settings: s =>
        {
            s.Remove("server");
            s["servers"] = new JsonArray(relay.Url, _comfy.Url);
        });
        var logs = new LogCapture();
        await using var server = await TestServer.StartAsync(new Dictionary<string, string?> { ["CatalogDir"] = catalog.Path }, configureServices: logs.AddTo);
        var (caller, imageUrl) = await CallerWithUploadAsync(server);

        var submitted = await caller.SubmitAsync(ComfyExample.Endpoint, Edit(imageUrl, "3:2"));
        var done = await caller.WaitAsync((string)submitted["taskId"]!);

        // The whole answer and the server's errors on a failure: this test failed in full runs under load (2026-12-01)
        // with only "FAILED" to go on.
        Assert.True((string)done["status"]! == "SUCCESS", Explain(done, logs));
        var png = await server.Http.GetByteArrayAsync((string)done["results"]![0]!["url"]!);
        Assert.Equal((1536, 1024), TestImages.SizeOf(png));
        Assert.Equal(0.97m, await caller.BalanceAsync());
    }

    [ComfyFact]
    public async Task Lone_server_that_failed_once_serves_the_next_task_as_soon_as_it_answers_again()
    {
        await using var relay = new TcpRelay(_comfy.Url);
        using var catalog = ComfyImageCatalog.Create(relay.Url);
        var logs = new LogCapture();
        await using var server = await TestServer.StartAsync(
            new Dictionary<string, string?> { ["CatalogDir"] = catalog.Path, ["Engines:CooldownSeconds"] = "600" }, configureServices: logs.AddTo);
        var (caller, imageUrl) = await CallerWithUploadAsync(server);

        relay.Cut();
        var first = await caller.WaitAsync((string)(await caller.SubmitAsync(ComfyExample.Endpoint, Edit(imageUrl)))["taskId"]!);
        Assert.True((string?)first["errorCode"] == "1012", Explain(first, logs));
        relay.Restore();
        var second = await caller.WaitAsync((string)(await caller.SubmitAsync(ComfyExample.Endpoint, Edit(imageUrl)))["taskId"]!);

        Assert.Equal("SUCCESS", (string)second["status"]!);
        Assert.Equal(0.97m, await caller.BalanceAsync());
    }

    /// <summary>The task's whole answer and the server's logged failures, for an assertion's message.</summary>
    private static string Explain(JsonObject task, LogCapture logs) =>
        $"{task.ToJsonString()}\n{string.Join("\n", logs.Failures.Select(f => $"{f.Category}: {f.Message}: {f.Exception}"))}";

    [ComfyFact]
    public async Task Waiting_task_shows_its_place_in_the_ComfyUI_queue_then_succeeds()
    {
        var other = await _comfy.QueueOtherClientsPromptAsync(steps: 1000, secondsPerStep: 0.1);
        await _comfy.UntilRunningAsync(other);
        using var catalog = ComfyImageCatalog.Create(_comfy.Url);
        await using var server = await ServeAsync(catalog);
        var (caller, imageUrl) = await CallerWithUploadAsync(server);

        var taskId = (string)(await caller.SubmitAsync(ComfyExample.Endpoint, Edit(imageUrl)))["taskId"]!;
        var waiting = await QueryUntilAsync(caller, taskId, t => (int?)t["progress"]?["queuePosition"] == 1);
        Assert.Equal("RUNNING", (string)waiting["status"]!);
        await _comfy.InterruptAsync(other);

        Assert.Equal("SUCCESS", (string)(await caller.WaitAsync(taskId))["status"]!);
    }

    [ComfyFact]
    public async Task Cancelling_a_running_task_interrupts_its_prompt_on_ComfyUI()
    {
        using var catalog = ComfyImageCatalog.Create(_comfy.Url, workflow: ComfyImageCatalog.Slow(1000, 0.1));
        await using var server = await ServeAsync(catalog);
        var (caller, imageUrl) = await CallerWithUploadAsync(server);

        var taskId = (string)(await caller.SubmitAsync(ComfyExample.Endpoint, Edit(imageUrl)))["taskId"]!;
        await QueryUntilAsync(caller, taskId, t => (int?)t["progress"]?["percent"] > 0);
        var promptId = (await _comfy.QueueAsync()).Running.Single();
        await caller.PostAsync("/openapi/v2/cancel", JsonSerializer.Serialize(new { taskId }));
        var cancelled = await QueryUntilAsync(caller, taskId, t => (string?)t["status"] != "RUNNING");

        Assert.Equal("CANCEL", (string)cancelled["status"]!);
        Assert.True(ComfyServer.WasInterrupted(await _comfy.UntilFinishedAsync(promptId)));
        Assert.Equal(1m, await caller.BalanceAsync());
    }

    private static async Task<JsonObject> QueryUntilAsync(ApiCaller caller, string taskId, Func<JsonObject, bool> condition)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while (true)
        {
            var task = await caller.QueryAsync(taskId);
            if (condition(task)) return task;
            Assert.True(DateTime.UtcNow < deadline, $"task {taskId} never got there: {task.ToJsonString()}");
            await Task.Delay(50);
        }
    }
}
