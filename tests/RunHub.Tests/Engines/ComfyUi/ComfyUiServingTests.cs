using System.Text.Json;
using System.Text.Json.Nodes;
using RunHub.Tests.Support;
using SkiaSharp;

namespace RunHub.Tests.Engines.ComfyUi;

/// <summary>The real server serving the seed edit through the example ComfyUI catalog, as a RunningHub client sees it.</summary>
public sealed class ComfyUiServingTests : IAsyncLifetime
{
    private FakeComfyUi _comfy = null!;

    public async Task InitializeAsync() => _comfy = await FakeComfyUi.StartAsync();

    public async Task DisposeAsync() => await _comfy.DisposeAsync();

    private static async Task<(ApiCaller Caller, string ImageUrl)> CallerWithUploadAsync(TestServer server)
    {
        var caller = await server.NewCallerAsync(balance: 1m);
        var upload = await caller.UploadAsync(TestImages.Png(600, 400, SKColors.OrangeRed), "input.png", "image/png");
        return (caller, (string)upload["data"]!["download_url"]!);
    }

    [Fact]
    public async Task Seed_edit_runs_on_ComfyUI_and_the_client_downloads_its_image()
    {
        using var catalog = ComfyExample.Catalog(_comfy.Url);
        await using var server = await TestServer.StartAsync(new Dictionary<string, string?> { ["CatalogDir"] = catalog.Path });
        var (caller, imageUrl) = await CallerWithUploadAsync(server);

        var submitted = await caller.SubmitAsync(ComfyExample.Endpoint,
            new { prompt = "A sudden, massive explosion behind three friends", imageUrls = new[] { imageUrl }, aspectRatio = "2:3" });
        var done = await caller.WaitAsync((string)submitted["taskId"]!);

        Assert.Equal("SUCCESS", (string)done["status"]!);
        var result = done["results"]!.AsArray().Single()!;
        Assert.Equal("png", (string)result["outputType"]!);
        var png = await server.Http.GetByteArrayAsync((string)result["url"]!);
        Assert.Equal(Assert.Single(_comfy.SavedFiles), png);
        Assert.Equal((1024, 1536), TestImages.SizeOf(png));
        Assert.Equal("A sudden, massive explosion behind three friends", (string)_comfy.LastPrompt["20"]!["inputs"]!["prompt"]!);
        Assert.Equal(0.97m, await caller.BalanceAsync());
    }

    [Fact]
    public async Task ComfyUI_that_never_finishes_times_the_task_out_and_is_interrupted()
    {
        _comfy.Behaviour.Hang = true;
        using var catalog = ComfyExample.Catalog(_comfy.Url, timeoutSeconds: 2);
        await using var server = await TestServer.StartAsync(new Dictionary<string, string?> { ["CatalogDir"] = catalog.Path });
        var (caller, imageUrl) = await CallerWithUploadAsync(server);

        var submitted = await caller.SubmitAsync(ComfyExample.Endpoint, new { prompt = "make it look like winter", imageUrls = new[] { imageUrl }, aspectRatio = "1:1" });
        var done = await caller.WaitAsync((string)submitted["taskId"]!);

        Assert.Equal("FAILED", (string)done["status"]!);
        Assert.Equal("1006", (string)done["errorCode"]!);
        var promptId = (string)_comfy.Submitted.Single()["prompt_id"]!;
        Assert.Contains(promptId, _comfy.Interrupts);
        Assert.Equal(1m, await caller.BalanceAsync());
    }

    [Fact]
    public async Task Workflow_ComfyUI_refuses_fails_the_task_with_the_upstream_code()
    {
        using var catalog = ComfyExample.Catalog(_comfy.Url, workflow: graph => graph["3"]!["inputs"]!.AsObject().Remove("vae_name"));
        await using var server = await TestServer.StartAsync(new Dictionary<string, string?> { ["CatalogDir"] = catalog.Path });
        var (caller, imageUrl) = await CallerWithUploadAsync(server);

        var submitted = await caller.SubmitAsync(ComfyExample.Endpoint, new { prompt = "make it look like winter", imageUrls = new[] { imageUrl }, aspectRatio = "1:1" });
        var done = await caller.WaitAsync((string)submitted["taskId"]!);

        Assert.Equal("FAILED", (string)done["status"]!);
        Assert.Equal("1012", (string)done["errorCode"]!);
        Assert.Contains("node 3 (VAELoader)", (string)done["errorMessage"]!);
        Assert.Single(_comfy.Submitted);
        var tips = JsonNode.Parse((string)done["promptTips"]!)!;
        Assert.False((bool)tips["result"]!);
        Assert.Equal("VAELoader", (string)tips["node_errors"]!["3"]!["class_type"]!);
        Assert.Equal("required_input_missing", (string)tips["node_errors"]!["3"]!["errors"]![0]!["type"]!);
    }

    [Fact]
    public async Task Task_moves_to_the_next_server_of_the_pool_when_its_server_dies()
    {
        await using var second = await FakeComfyUi.StartAsync();
        _comfy.Behaviour.DieOnStart = true;
        using var catalog = ComfyExample.Catalog(_comfy.Url, settings: s =>
        {
            s.Remove("server");
            s["servers"] = new JsonArray(_comfy.Url, second.Url);
        });
        await using var server = await TestServer.StartAsync(new Dictionary<string, string?> { ["CatalogDir"] = catalog.Path });
        var (caller, imageUrl) = await CallerWithUploadAsync(server);

        var submitted = await caller.SubmitAsync(ComfyExample.Endpoint, new { prompt = "make it look like winter", imageUrls = new[] { imageUrl }, aspectRatio = "3:2" });
        var done = await caller.WaitAsync((string)submitted["taskId"]!);

        Assert.Equal("SUCCESS", (string)done["status"]!);
        Assert.Single(_comfy.Submitted);
        Assert.Single(second.Submitted);
        var png = await server.Http.GetByteArrayAsync((string)done["results"]![0]!["url"]!);
        Assert.Equal(Assert.Single(second.SavedFiles), png);
        Assert.Equal(0.97m, await caller.BalanceAsync());
    }

    [Fact]
    public async Task Waiting_task_shows_its_place_in_the_ComfyUI_queue_then_succeeds()
    {
        _comfy.Behaviour.HoldQueue = true;
        using var catalog = ComfyExample.Catalog(_comfy.Url);
        await using var server = await TestServer.StartAsync(new Dictionary<string, string?> { ["CatalogDir"] = catalog.Path });
        var (caller, imageUrl) = await CallerWithUploadAsync(server);

        var taskId = (string)(await caller.SubmitAsync(ComfyExample.Endpoint,
            new { prompt = "make it look like winter", imageUrls = new[] { imageUrl }, aspectRatio = "1:1" }))["taskId"]!;
        var waiting = await QueryUntilAsync(caller, taskId, t => (int?)t["progress"]?["queuePosition"] == 1);
        Assert.Equal("RUNNING", (string)waiting["status"]!);
        _comfy.ReleaseQueue();

        Assert.Equal("SUCCESS", (string)(await caller.WaitAsync(taskId))["status"]!);
    }

    [Fact]
    public async Task Cancelling_a_running_task_interrupts_its_prompt_on_ComfyUI()
    {
        _comfy.Behaviour.Hang = true;
        using var catalog = ComfyExample.Catalog(_comfy.Url);
        await using var server = await TestServer.StartAsync(new Dictionary<string, string?> { ["CatalogDir"] = catalog.Path });
        var (caller, imageUrl) = await CallerWithUploadAsync(server);

        var taskId = (string)(await caller.SubmitAsync(ComfyExample.Endpoint,
            new { prompt = "make it look like winter", imageUrls = new[] { imageUrl }, aspectRatio = "1:1" }))["taskId"]!;
        var promptId = await _comfy.Started.Task.WaitAsync(TimeSpan.FromSeconds(30));
        await caller.PostAsync("/openapi/v2/cancel", JsonSerializer.Serialize(new { taskId }));
        var cancelled = await QueryUntilAsync(caller, taskId, t => (string?)t["status"] != "RUNNING");

        Assert.Equal("CANCEL", (string)cancelled["status"]!);
        Assert.Contains(promptId, _comfy.Interrupts);
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

    [Fact]
    public void Example_catalog_loads_and_names_the_comfyui_engine_with_a_workflow_beside_it()
    {
        var model = RunHub.Catalog.ModelCatalog.LoadDirectory(ComfyExample.Folder).Find(ComfyExample.Endpoint)!;

        Assert.Equal("comfyui", model.Engine!.Name);
        Assert.NotNull(model.Price);
        var workflow = (string)JsonNode.Parse(model.Engine.Settings!.Value.GetRawText())!["workflow"]!;
        Assert.True(File.Exists(Path.Combine(ComfyExample.Folder, workflow)));
    }
}
