using System.Text.Json;
using RunHub.Engines;

namespace RunHub.Tests.Engines.RunningHub;

/// <summary>What the runninghub engine sends upstream and what it brings back, against a fake RunningHub on loopback.</summary>
public sealed class GatewayForwardingTests : IAsyncLifetime
{
    private FakeRunningHub _fake = null!;

    public async Task InitializeAsync() => _fake = await FakeRunningHub.StartAsync();

    public async Task DisposeAsync() => await _fake.DisposeAsync();

    [Fact]
    public async Task Local_inputs_are_uploaded_upstream_and_public_https_urls_pass_through()
    {
        var local = Support.TestImages.Png(40, 30);
        using var engine = GatewayJobs.Engine(_fake.ApiKey);

        await engine.RunAsync(GatewayJobs.SeedEdit(GatewayJobs.Backend(_fake.Root), local), CancellationToken.None);

        var upload = Assert.Single(_fake.Uploads);
        Assert.Equal(local, upload.Data);
        var (endpoint, body) = Assert.Single(_fake.Submits);
        Assert.Equal("rhart-image-g-1.5/edit", endpoint);
        var urls = body["imageUrls"]!.AsArray().Select(u => (string)u!).ToArray();
        Assert.StartsWith(_fake.Root + "/cdn/openapi/", urls[0]);
        Assert.Equal(GatewayJobs.PublicImageUrl, urls[1]);
        Assert.Equal("A sudden, massive explosion behind them", (string)body["prompt"]!);
        Assert.Equal("2:3", (string)body["aspectRatio"]!);
    }

    [Fact]
    public async Task Success_returns_the_upstream_result_file_and_usage_and_reports_progress()
    {
        _fake.Script = new FakeScript { QueuedPolls = 2, RunningPolls = 2 };
        var progress = new GatewayJobs.ProgressLog();
        using var engine = GatewayJobs.Engine(_fake.ApiKey);

        var output = await engine.RunAsync(GatewayJobs.SeedEdit(GatewayJobs.Backend(_fake.Root), Support.TestImages.Png(40, 30), progress), CancellationToken.None);

        var file = Assert.Single(output.Files);
        Assert.Equal("png", file.Extension);
        Assert.Equal(_fake.ResultImage, file.Data);
        using var usage = JsonDocument.Parse(output.BackendUsage!);
        Assert.Equal("0.02", usage.RootElement.GetProperty("consumeMoney").GetString());
        var nodes = progress.Reports.Select(p => p.Node).ToList();
        Assert.Equal(["upstream QUEUED", "upstream RUNNING", "upstream SUCCESS"], nodes);
        Assert.Equal(0, progress.Reports[1].QueuePosition);
        Assert.Equal(100, progress.Reports[^1].Percent);
    }

    [Fact]
    public async Task A_runhub_file_url_is_uploaded_upstream_even_over_https()
    {
        // RunHub behind TLS on a private network: its upload URLs are https but the upstream cannot reach them.
        const string ownUrl = "https://runhub.intranet.example/files/openapi/0123abcd.png";
        var local = Support.TestImages.Png(40, 30);
        var job = GatewayJobs.SeedEdit(GatewayJobs.Backend(_fake.Root), local);
        job = job with
        {
            Parameters = new Dictionary<string, JsonElement>(job.Parameters) { ["imageUrls"] = JsonSerializer.SerializeToElement(new[] { ownUrl }) },
            Inputs = [job.Inputs[0] with { SourceUrl = ownUrl }],
        };
        using var engine = GatewayJobs.Engine(_fake.ApiKey);

        await engine.RunAsync(job, CancellationToken.None);

        Assert.Equal(local, Assert.Single(_fake.Uploads).Data);
        var forwarded = (string)Assert.Single(_fake.Submits).Body["imageUrls"]![0]!;
        Assert.StartsWith(_fake.Root + "/cdn/openapi/", forwarded);
    }

    [Fact]
    public async Task Every_input_is_uploaded_when_the_settings_ask_for_it()
    {
        using var engine = GatewayJobs.Engine(_fake.ApiKey);

        await engine.RunAsync(GatewayJobs.SeedEdit(GatewayJobs.Backend(_fake.Root, new { uploadAllInputs = true }), Support.TestImages.Png(40, 30)), CancellationToken.None);

        Assert.Equal(2, _fake.Uploads.Count);
        var urls = Assert.Single(_fake.Submits).Body["imageUrls"]!.AsArray().Select(u => (string)u!);
        Assert.All(urls, url => Assert.StartsWith(_fake.Root + "/cdn/openapi/", url));
    }

    [Fact]
    public async Task The_upstream_endpoint_setting_replaces_the_models_own()
    {
        using var engine = GatewayJobs.Engine(_fake.ApiKey);

        await engine.RunAsync(GatewayJobs.SeedEdit(GatewayJobs.Backend(_fake.Root, new { endpoint = "/rhart-image-g-1.5/edit-pro/" }), Support.TestImages.Png(40, 30)),
            CancellationToken.None);

        Assert.Equal("rhart-image-g-1.5/edit-pro", Assert.Single(_fake.Submits).Endpoint);
    }

    [Fact]
    public async Task A_server_given_with_the_api_path_reaches_the_same_endpoints()
    {
        using var engine = GatewayJobs.Engine(_fake.ApiKey);

        var output = await engine.RunAsync(GatewayJobs.SeedEdit(GatewayJobs.Backend(_fake.Root + "/openapi/v2/"), Support.TestImages.Png(40, 30)), CancellationToken.None);

        Assert.Equal(_fake.ResultImage, Assert.Single(output.Files).Data);
    }

    [Fact]
    public async Task Text_results_come_back_as_text_outputs()
    {
        _fake.Script = new FakeScript { Outcome = FakeOutcome.Text };
        using var engine = GatewayJobs.Engine(_fake.ApiKey);

        var output = await engine.RunAsync(GatewayJobs.SeedEdit(GatewayJobs.Backend(_fake.Root), Support.TestImages.Png(40, 30)), CancellationToken.None);

        var text = Assert.Single(output.Files);
        Assert.Null(text.Data);
        Assert.Equal("a caption from upstream", text.Text);
    }

    [Fact]
    public async Task A_backend_without_settings_uses_the_configured_server_and_key_variable()
    {
        var options = new RunHubOptions { Media = { AllowPrivateNetworks = true } };
        options.Engines.RunningHub.Server = _fake.Root;
        options.Engines.RunningHub.ApiKeyEnv = GatewayJobs.KeyVariable;
        using var engine = GatewayJobs.Engine(_fake.ApiKey, options);

        var output = await engine.RunAsync(GatewayJobs.SeedEdit(new RunHub.Catalog.EngineBinding("runninghub"), Support.TestImages.Png(40, 30)), CancellationToken.None);

        Assert.Equal(_fake.ResultImage, Assert.Single(output.Files).Data);
    }

    [Fact]
    public async Task A_backend_without_settings_or_configuration_fails_with_1010_naming_apiKeyEnv()
    {
        using var engine = GatewayJobs.Engine(_fake.ApiKey);

        var e = await Assert.ThrowsAsync<EngineException>(() =>
            engine.RunAsync(GatewayJobs.SeedEdit(new RunHub.Catalog.EngineBinding("runninghub"), Support.TestImages.Png(40, 30)), CancellationToken.None));

        Assert.Equal("1010", e.ErrorCode);
        Assert.Contains("apiKeyEnv", e.Message);
    }

    [Fact]
    public async Task A_missing_key_variable_fails_with_1010_naming_the_variable()
    {
        using var engine = GatewayJobs.Engine(key: "");

        var e = await Assert.ThrowsAsync<EngineException>(() =>
            engine.RunAsync(GatewayJobs.SeedEdit(GatewayJobs.Backend(_fake.Root), Support.TestImages.Png(40, 30)), CancellationToken.None));

        Assert.Equal("1010", e.ErrorCode);
        Assert.Contains(GatewayJobs.KeyVariable, e.Message);
        Assert.Empty(_fake.Submits);
    }
}
