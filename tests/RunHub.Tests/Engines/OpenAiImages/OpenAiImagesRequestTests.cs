using System.Text.Json;
using RunHub.Engines;
using RunHub.Tests.Engines.OpenAiImages.Support;
using RunHub.Tests.Support;

namespace RunHub.Tests.Engines.OpenAiImages;

/// <summary>What the engine sends to an OpenAI-compatible images API, and what it makes of a successful answer.</summary>
public sealed class OpenAiImagesRequestTests : IAsyncLifetime
{
    private FakeOpenAiImages _fake = null!;

    public async Task InitializeAsync() => _fake = await FakeOpenAiImages.StartAsync();

    public async Task DisposeAsync() => await _fake.DisposeAsync();

    [Fact]
    public async Task Edit_sends_every_input_as_an_image_part_with_the_fixed_settings_and_returns_the_decoded_image()
    {
        using var engine = OpenAiJobs.Engine(_fake);
        var backend = OpenAiJobs.Backend(_fake, new { quality = "high", background = "opaque", inputFidelity = "high", n = "1" });
        var first = TestImages.Png(600, 400);
        var second = TestImages.Jpeg(300, 300);

        var output = await engine.RunAsync(OpenAiJobs.Edit(backend, "2:3", first, second));

        var request = Assert.Single(_fake.Received);
        Assert.True(request.IsEdit);
        Assert.Equal(["image[]", "image[]"], request.Images.Select(i => i.Name));
        Assert.Equal(first, request.Images[0].Bytes);
        Assert.Equal("image/png", request.Images[0].ContentType);
        Assert.Equal(second, request.Images[1].Bytes);
        Assert.Equal("image/jpeg", request.Images[1].ContentType);
        Assert.Equal("gpt-image-1.5", request.Field("model"));
        Assert.Equal("Make it look like winter", request.Field("prompt"));
        Assert.Equal("1024x1536", request.Field("size"));
        Assert.Equal("high", request.Field("quality"));
        Assert.Equal("opaque", request.Field("background"));
        Assert.Equal("high", request.Field("input_fidelity"));
        Assert.Equal("1", request.Field("n"));

        var file = Assert.Single(output.Files);
        Assert.Equal("png", file.Extension);
        Assert.Equal(Assert.Single(_fake.Produced), file.Data);
        Assert.Equal((1024, 1536), TestImages.SizeOf(file.Data!));
    }

    [Theory]
    [InlineData("1:1", "1024x1024")]
    [InlineData("3:2", "1536x1024")]
    [InlineData("2:3", "1024x1536")]
    [InlineData("auto", "auto")]
    public async Task Aspect_ratio_maps_to_the_models_size(string aspectRatio, string size)
    {
        using var engine = OpenAiJobs.Engine(_fake);
        await engine.RunAsync(OpenAiJobs.Edit(OpenAiJobs.Backend(_fake), aspectRatio, TestImages.Png(64, 64)));
        Assert.Equal(size, Assert.Single(_fake.Received).Field("size"));
    }

    [Fact]
    public async Task Text_to_image_posts_json_to_generations_without_edit_only_fields()
    {
        using var engine = OpenAiJobs.Engine(_fake);
        var backend = OpenAiJobs.Backend(_fake, new { inputFidelity = "high", quality = "low" });

        var output = await engine.RunAsync(OpenAiJobs.Text(backend, "3:2"));

        var request = Assert.Single(_fake.Received);
        Assert.False(request.IsEdit);
        Assert.Equal("A lighthouse at dawn", request.Field("prompt"));
        Assert.Equal("1536x1024", request.Field("size"));
        Assert.Equal("low", request.Field("quality"));
        Assert.Null(request.Field("input_fidelity"));
        Assert.Equal((1536, 1024), TestImages.SizeOf(Assert.Single(output.Files).Data!));
    }

    [Fact]
    public async Task Token_usage_of_the_answer_becomes_the_backend_usage()
    {
        using var engine = OpenAiJobs.Engine(_fake);
        var output = await engine.RunAsync(OpenAiJobs.Edit(OpenAiJobs.Backend(_fake), "1:1", TestImages.Png(64, 64)));

        Assert.NotNull(output.BackendUsage);
        using var usage = JsonDocument.Parse(output.BackendUsage);
        Assert.Equal(323, usage.RootElement.GetProperty("input_tokens_details").GetProperty("image_tokens").GetInt32());
        Assert.Equal(
            usage.RootElement.GetProperty("input_tokens").GetInt32() + usage.RootElement.GetProperty("output_tokens").GetInt32(),
            usage.RootElement.GetProperty("total_tokens").GetInt32());
    }

    [Theory]
    [InlineData("jpeg", "jpg")]
    [InlineData("webp", "webp")]
    [InlineData("png", "png")]
    public async Task Output_format_setting_is_sent_and_names_the_result_file(string outputFormat, string extension)
    {
        using var engine = OpenAiJobs.Engine(_fake);
        var output = await engine.RunAsync(OpenAiJobs.Text(OpenAiJobs.Backend(_fake, new { outputFormat }), "1:1"));
        Assert.Equal(outputFormat, Assert.Single(_fake.Received).Field("output_format"));
        Assert.Equal(extension, Assert.Single(output.Files).Extension);
    }

    [Fact]
    public async Task Url_answers_are_downloaded_without_sending_the_api_key_to_the_link()
    {
        _fake.Script(FakeReply.Url());
        using var engine = OpenAiJobs.Engine(_fake);

        var output = await engine.RunAsync(OpenAiJobs.Edit(OpenAiJobs.Backend(_fake), "1:1", TestImages.Png(64, 64)));

        Assert.Equal(Assert.Single(_fake.Produced), Assert.Single(output.Files).Data);
        Assert.Equal(1, _fake.FileDownloads);
        Assert.Equal(0, _fake.FileDownloadsWithAuthorization);
    }

    [Fact]
    public async Task Parameter_mapping_fills_request_fields_from_other_parameter_names()
    {
        using var engine = OpenAiJobs.Engine(_fake);
        var backend = OpenAiJobs.Backend(_fake, new
        {
            parameters = new { prompt = "prompt", size = "aspectRatio", n = "count" },
            sizes = new Dictionary<string, string> { ["1:1"] = "1024x1024", ["wide"] = "1536x1024" },
        });
        var job = OpenAiJobs.Text(backend, "wide");
        job = job with { Parameters = new Dictionary<string, JsonElement>(job.Parameters) { ["count"] = JsonSerializer.SerializeToElement(2) } };

        var output = await engine.RunAsync(job);

        var request = Assert.Single(_fake.Received);
        Assert.Equal("1536x1024", request.Field("size"));
        Assert.Equal("2", request.Field("n"));
        Assert.Equal(2, output.Files.Count);
    }

    [Fact]
    public async Task A_server_given_with_v1_is_not_given_a_second_one()
    {
        using var engine = OpenAiJobs.Engine(_fake);
        await engine.RunAsync(OpenAiJobs.Text(OpenAiJobs.Backend(_fake.Url + "/v1/"), "1:1"));
        Assert.Single(_fake.Received);
    }

    [Fact]
    public async Task Progress_is_reported_from_start_to_end()
    {
        using var engine = OpenAiJobs.Engine(_fake);
        var reports = new List<EngineProgress>();
        var job = OpenAiJobs.Text(OpenAiJobs.Backend(_fake), "1:1") with { Progress = new SyncProgress(reports) };

        await engine.RunAsync(job);

        Assert.Equal([0, 100], reports.Select(r => r.Percent ?? -1));
        Assert.All(reports, r => Assert.Equal("images/generations", r.Node));
    }

    [Fact]
    public async Task A_reachable_backend_is_healthy_and_a_closed_port_is_not()
    {
        using var engine = OpenAiJobs.Engine(_fake);
        Assert.True(await engine.IsHealthyAsync(OpenAiJobs.Backend(_fake), CancellationToken.None));
        Assert.False(await engine.IsHealthyAsync(OpenAiJobs.Backend($"http://127.0.0.1:{ClosedPort.Find()}"), CancellationToken.None));
    }

    private sealed class SyncProgress(List<EngineProgress> reports) : IProgress<EngineProgress>
    {
        public void Report(EngineProgress value) => reports.Add(value);
    }
}
