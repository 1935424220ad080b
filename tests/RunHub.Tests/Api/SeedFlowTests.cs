using System.Text.Json;
using System.Text.RegularExpressions;
using RunHub.Tests.Support;

namespace RunHub.Tests.Api;

/// <summary>The documented seed example, end to end, as a RunningHub client does it.</summary>
public sealed class SeedFlowTests : IAsyncLifetime
{
    private TestServer _server = null!;

    public async Task InitializeAsync() => _server = await TestServer.StartAsync();

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task Seed_edit_with_an_uploaded_image_succeeds_with_a_2x3_png_and_charges_the_price()
    {
        var caller = await _server.NewCallerAsync(balance: 1m);
        var upload = await caller.UploadAsync(TestImages.Png(600, 400), "input.png", "image/png");
        Assert.Equal(0, (int)upload["code"]!);
        var imageUrl = (string)upload["data"]!["download_url"]!;

        var submitted = await caller.SubmitAsync("rhart-image-g-1.5/edit",
            new { prompt = "A sudden, massive explosion behind three friends", imageUrls = new[] { imageUrl }, aspectRatio = "2:3" });
        Assert.Equal("", (string)submitted["errorCode"]!);
        Assert.Contains((string)submitted["status"]!, new[] { "QUEUED", "RUNNING", "SUCCESS" });

        var done = await caller.WaitAsync((string)submitted["taskId"]!);
        Assert.Equal("SUCCESS", (string)done["status"]!);
        Assert.Equal("", (string)done["errorCode"]!);
        var result = done["results"]!.AsArray().Single()!;
        Assert.Equal("png", (string)result["outputType"]!);
        using var download = await new HttpClient().GetAsync((string)result["url"]!);
        Assert.Equal("image/png", download.Content.Headers.ContentType?.MediaType);
        var png = await download.Content.ReadAsByteArrayAsync();
        Assert.Equal((1024, 1536), TestImages.SizeOf(png));
        Assert.Equal("0.03", (string)done["usage"]!["consumeMoney"]!);
        Assert.Equal(0.97m, await caller.BalanceAsync());
    }

    [Fact]
    public async Task Text_to_image_with_auto_aspect_succeeds_with_a_square_png()
    {
        var caller = await _server.NewCallerAsync();
        var submitted = await caller.SubmitAsync("rhart-image-g-1.5/text-to-image", new { prompt = "a lighthouse at dawn", aspectRatio = "auto" });
        var done = await caller.WaitAsync((string)submitted["taskId"]!);
        Assert.Equal("SUCCESS", (string)done["status"]!);
        var png = await _server.Http.GetByteArrayAsync((string)done["results"]![0]!["url"]!);
        Assert.Equal((1024, 1024), TestImages.SizeOf(png));
    }

    [Fact]
    public async Task Task_object_has_every_field_with_the_documented_shapes()
    {
        var caller = await _server.NewCallerAsync();
        var submitted = await caller.SubmitAsync("rhart-image-g-1.5/edit",
            new { prompt = "make it look like winter", imageUrls = new[] { TestImages.DataUri(TestImages.Png(64, 64)) }, aspectRatio = "1:1" });
        foreach (var field in new[] { "taskId", "status", "errorCode", "errorMessage", "results", "clientId", "promptTips", "usage" })
            Assert.True(submitted.ContainsKey(field), $"missing field {field}: {submitted.ToJsonString()}");
        Assert.Matches(new Regex("^[0-9]{19}$"), (string)submitted["taskId"]!);
        Assert.Equal(JsonValueKind.String, submitted["taskId"]!.GetValueKind());
        Assert.Matches(new Regex("^[0-9a-f]{32}$"), (string)submitted["clientId"]!);
        using var tips = JsonDocument.Parse((string)submitted["promptTips"]!);
        Assert.True(tips.RootElement.GetProperty("result").GetBoolean());
        Assert.Equal(JsonValueKind.Object, tips.RootElement.GetProperty("node_errors").ValueKind);

        var done = await caller.WaitAsync((string)submitted["taskId"]!);
        Assert.Equal((string)submitted["clientId"]!, (string)done["clientId"]!);
        var usage = done["usage"]!.AsObject();
        foreach (var field in new[] { "consumeMoney", "consumeCoins", "taskCostTime", "thirdPartyConsumeMoney" })
            Assert.True(usage.ContainsKey(field), $"usage lacks {field}");
        Assert.Matches(new Regex("^[0-9]+$"), (string)usage["taskCostTime"]!);
    }

    [Fact]
    public async Task Task_ids_are_unique_and_time_ordered()
    {
        var caller = await _server.NewCallerAsync();
        var ids = new List<string>();
        for (var i = 0; i < 5; i++)
            ids.Add((string)(await caller.SubmitAsync("rhart-image-g-1.5/text-to-image", new { prompt = "ordered ids " + i, aspectRatio = "1:1" }))["taskId"]!);
        Assert.Equal(ids.Count, ids.Distinct().Count());
        Assert.Equal(ids.OrderBy(id => decimal.Parse(id, System.Globalization.CultureInfo.InvariantCulture)), ids);
    }
}
