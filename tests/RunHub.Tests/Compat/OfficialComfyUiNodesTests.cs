using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using RunHub.Tests.Support;

namespace RunHub.Tests.Compat;

/// <summary>
/// RunningHub's official ComfyUI nodes (HM-RunningHub/ComfyUI_RH_OpenAPI), replayed: base URL <c>{server}/openapi/v2</c>,
/// an upload, then a submit to the endpoint today's registry names (<c>rhart-image-g-1.5/edit-[Deprecated]</c>) with
/// <c>"appCode": "comfyui_rh_openapi"</c> added to every payload, then polling <c>/query</c>. Before issue 10, RunHub
/// answered the renamed endpoint with 1001 and the <c>appCode</c> field with 1007, so every node failed.
/// </summary>
public sealed class OfficialComfyUiNodesTests : IAsyncLifetime
{
    private const string RenamedEdit = "rhart-image-g-1.5/edit-[Deprecated]";
    private readonly LogCapture _log = new();
    private TestServer _server = null!;

    public async Task InitializeAsync() => _server = await TestServer.StartAsync(
        new Dictionary<string, string?> { ["Logging:LogLevel:RunHub.Api"] = "Debug" }, configureServices: _log.AddTo);

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task A_node_uploads_submits_with_app_code_to_the_renamed_model_and_gets_its_image()
    {
        var caller = await _server.NewCallerAsync(balance: 1m);
        var node = new PythonClient(_server.Http, caller.ApiKey, _server.BaseUrl + "/openapi/v2");

        var upload = await node.UploadAsync(TestImages.Png(300, 200), "ComfyUI_temp_00001_.png", "image/png");
        Assert.Equal(0, (int)upload["code"]!);
        var payload = new JsonObject
        {
            ["prompt"] = "把天空变成紫色，保留人物",
            ["imageUrls"] = new JsonArray((string)upload["data"]!["download_url"]!),
            ["aspectRatio"] = "3:2",
            ["appCode"] = "comfyui_rh_openapi",
        };
        var submitted = await node.PostJsonAsync($"{node.BaseUrl}/{RenamedEdit}", payload);
        Assert.True((string)submitted["errorCode"]! == "", submitted.ToJsonString());

        var done = await node.PollAsync((string)submitted["taskId"]!);
        Assert.Equal("SUCCESS", (string)done["status"]!);
        var image = await _server.Http.GetByteArrayAsync((string)done["results"]![0]!["url"]!);
        Assert.Equal((1536, 1024), TestImages.SizeOf(image));
        Assert.Equal(0.97m, await caller.BalanceAsync());

        // The extra field is named in the debug log and reaches neither the stored task nor its engine.
        Assert.Contains(_log.Entries, e => e.Level == LogLevel.Debug && e.Message.Contains("appCode", StringComparison.Ordinal));
        var task = await _server.Services.GetRequiredService<RunHub.Tasks.TaskQueue>().FindAsync(caller.AccountId, (string)submitted["taskId"]!);
        Assert.DoesNotContain("appCode", task!.Parameters);
        Assert.Equal("rhart-image-g-1.5/edit", task.Endpoint);
    }

    [Fact]
    public async Task A_node_that_sends_an_upload_url_this_server_does_not_have_is_told_the_upload_does_not_exist()
    {
        // The node keeps the download_url of an earlier upload: one this server never had (its data folder was reset,
        // the file expired), on this server's own loopback address.
        var caller = await _server.NewCallerAsync(balance: 1m);
        var node = new PythonClient(_server.Http, caller.ApiKey, _server.BaseUrl + "/openapi/v2");
        var upload = await node.UploadAsync(TestImages.Png(30, 20), "ComfyUI_temp_00002_.png", "image/png");
        var url = (string)upload["data"]!["download_url"]!;
        var missing = System.Text.RegularExpressions.Regex.Replace(url, "/openapi/[0-9a-z]+\\.", "/openapi/eeeeeeeeeeee.");
        Assert.NotEqual(url, missing);

        var submitted = await node.PostJsonAsync($"{node.BaseUrl}/{RenamedEdit}", new JsonObject
        {
            ["prompt"] = "把天空变成紫色，保留人物",
            ["imageUrls"] = new JsonArray(missing),
            ["aspectRatio"] = "3:2",
            ["appCode"] = "comfyui_rh_openapi",
        });
        var done = await node.PollAsync((string)submitted["taskId"]!);

        Assert.Equal("FAILED", (string)done["status"]!);
        Assert.Equal("1013", (string)done["errorCode"]!);
        Assert.Equal("imageUrls[0]: the upload openapi/eeeeeeeeeeee.png does not exist on this server or has expired; upload the file again",
            (string)done["errorMessage"]!);
        Assert.Equal(1m, await caller.BalanceAsync());
    }

    [Theory]
    [InlineData("/openapi/v2/rhart-image-g-1.5/edit-%5BDeprecated%5D")]
    [InlineData("/openapi/v2/rhart-image-g-1.5/text-to-image-[Deprecated]")]
    public async Task The_renamed_endpoints_are_served_raw_or_percent_encoded(string path)
    {
        var caller = await _server.NewCallerAsync();
        var body = path.Contains("edit", StringComparison.Ordinal)
            ? new JsonObject { ["prompt"] = "a quiet harbour", ["imageUrls"] = new JsonArray(TestImages.DataUri(TestImages.Png(16, 16))), ["aspectRatio"] = "1:1" }
            : new JsonObject { ["prompt"] = "a quiet harbour", ["aspectRatio"] = "1:1" };
        var node = new PythonClient(_server.Http, caller.ApiKey, _server.BaseUrl + "/openapi/v2");
        var submitted = await node.PostJsonAsync(_server.BaseUrl + path, body);
        Assert.True((string)submitted["errorCode"]! == "", submitted.ToJsonString());
        Assert.Equal("SUCCESS", (string)(await node.PollAsync((string)submitted["taskId"]!))["status"]!);
    }

    [Fact]
    public async Task The_model_list_names_the_aliases()
    {
        var models = JsonNode.Parse(await _server.Http.GetStringAsync("/openapi/v2/models"))!["models"]!.AsArray();
        var edit = models.Single(m => (string)m!["endpoint"]! == "rhart-image-g-1.5/edit")!;
        Assert.Equal([RenamedEdit], edit["aliases"]!.AsArray().Select(a => (string)a!));
    }

    [Fact]
    public async Task Strict_mode_refuses_the_fields_runninghub_would_ignore()
    {
        await using var strict = await TestServer.StartAsync(new Dictionary<string, string?> { ["Api:StrictParameters"] = "true" });
        var caller = await strict.NewCallerAsync();
        var node = new PythonClient(strict.Http, caller.ApiKey, strict.BaseUrl + "/openapi/v2");
        var answer = await node.PostJsonAsync(node.BaseUrl + "/rhart-image-g-1.5/text-to-image",
            new JsonObject { ["prompt"] = "a quiet harbour", ["aspectRatio"] = "1:1", ["appCode"] = "comfyui_rh_openapi" });
        Assert.Equal("1007", (string)answer["errorCode"]!);
        Assert.Contains("appCode: not a parameter of rhart-image-g-1.5/text-to-image", (string)answer["errorMessage"]!);
    }
}
