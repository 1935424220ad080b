using RunHub.Tests.Catalog;
using RunHub.Tests.Support;

namespace RunHub.Tests.Engines.Sandbox;

/// <summary>A registry served with its price list (<c>CatalogFile</c> + <c>PricingFile</c>): tasks are charged what the list says, and usage shows it.</summary>
public sealed class SandboxPricingTests : IAsyncLifetime
{
    private TestServer _server = null!;

    public async Task InitializeAsync() => _server = await TestServer.StartAsync(new Dictionary<string, string?>
    {
        ["CatalogFile"] = RunningHubRegistry.RegistryPath,
        ["PricingFile"] = RunningHubRegistry.PricingPath,
    });

    public async Task DisposeAsync() => await _server.DisposeAsync();

    private static async Task<System.Text.Json.Nodes.JsonObject> RunAsync(ApiCaller caller, string endpoint, object body)
    {
        var submitted = await caller.SubmitAsync(endpoint, body);
        Assert.True((string?)submitted["errorCode"] == "", submitted.ToJsonString());
        var task = await caller.WaitAsync((string)submitted["taskId"]!, TimeSpan.FromMinutes(2));
        Assert.True((string?)task["status"] == "SUCCESS", task.ToJsonString());
        return task;
    }

    [Fact]
    public async Task A_fixed_price_per_call_is_charged_once_and_shown_in_usage()
    {
        var caller = await _server.NewCallerAsync(balance: 1m);

        var task = await RunAsync(caller, "rhart-text-g-25-flash/text-to-text", new { prompt = "write a haiku about lighthouses" });

        Assert.Equal("0.02", (string?)task["usage"]!["consumeMoney"]);
        Assert.Equal(0.98m, await caller.BalanceAsync());
    }

    [Fact]
    public async Task A_price_per_image_is_multiplied_by_the_images_asked_for_and_that_many_come_back()
    {
        var caller = await _server.NewCallerAsync(balance: 1m);

        var task = await RunAsync(caller, "alibaba/qwen-image-2.0/text-to-image", new { prompt = "a red kite over the dunes", imageNum = "3", size = "1024*1024" });

        Assert.Equal("0.39", (string?)task["usage"]!["consumeMoney"]);
        Assert.Equal(3, task["results"]!.AsArray().Count);
        Assert.Equal(0.61m, await caller.BalanceAsync());
    }

    [Fact]
    public async Task A_price_per_second_depends_on_the_resolution_rule_and_the_videos_length()
    {
        var caller = await _server.NewCallerAsync(balance: 5m);

        var task = await RunAsync(caller, "alibaba/wan-2.7/text-to-video",
            new { prompt = "waves on a rock", resolution = "720P", duration = "3", aspectRatio = "16:9" });

        Assert.Equal("1.53", (string?)task["usage"]!["consumeMoney"]);   // 0.51 CNY a second at 720P, 3 seconds
        var video = await _server.Http.GetByteArrayAsync((string)task["results"]![0]!["url"]!);
        var probe = await MediaReaders.ProbeAsync(video, "mp4");
        Assert.InRange(MediaReaders.Duration(probe), 2.95, 3.05);
        Assert.Equal(1280, (int)MediaReaders.Stream(probe, "video")["width"]!);
        Assert.Equal(3.47m, await caller.BalanceAsync());
    }

    [Fact]
    public async Task A_model_the_price_list_leaves_out_is_served_free_on_the_sandbox()
    {
        var caller = await _server.NewCallerAsync(balance: 1m);

        var task = await RunAsync(caller, "kling-v2.5-turbo-std/text-to-video", new { prompt = "a paper boat on a stream", duration = "5", aspectRatio = "16:9" });

        Assert.Equal("0.00", (string?)task["usage"]!["consumeMoney"]);
        Assert.Equal(1m, await caller.BalanceAsync());
    }
}
