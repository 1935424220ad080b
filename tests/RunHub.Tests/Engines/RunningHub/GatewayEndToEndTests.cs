using System.Text;
using Microsoft.Extensions.Time.Testing;
using RunHub.Tests.Support;

namespace RunHub.Tests.Engines.RunningHub;

/// <summary>The gateway as a RunningHub client sees it: the real RunHub server forwarding to a fake RunningHub.</summary>
public sealed class GatewayEndToEndTests : IAsyncLifetime
{
    private FakeRunningHub _fake = null!;

    public async Task InitializeAsync() => _fake = await FakeRunningHub.StartAsync();

    public async Task DisposeAsync() => await _fake.DisposeAsync();

    [Fact]
    public async Task Seed_edit_through_the_public_api_returns_the_upstream_image_from_runhubs_own_storage()
    {
        await using var gateway = await GatewayServer.StartAsync(_fake);
        var caller = await gateway.Server.NewCallerAsync(balance: 1m);
        var photo = TestImages.Png(60, 40);
        var upload = await caller.UploadAsync(photo, "photo.png", "image/png");
        var runhubUrl = (string)upload["data"]!["download_url"]!;

        var submitted = await caller.SubmitAsync(GatewayServer.Endpoint,
            new { prompt = "A sudden, massive explosion behind them", imageUrls = new[] { runhubUrl }, aspectRatio = "2:3" });
        var done = await caller.WaitAsync((string)submitted["taskId"]!);

        Assert.Equal("SUCCESS", (string)done["status"]!);
        var resultUrl = (string)done["results"]!.AsArray().Single()!["url"]!;
        Assert.StartsWith(gateway.Server.BaseUrl.TrimEnd('/') + "/files/", resultUrl);
        using var http = new HttpClient();
        Assert.Equal(_fake.ResultImage, await http.GetByteArrayAsync(resultUrl));
        // The RunHub upload URL was not handed upstream: its bytes were uploaded there.
        Assert.Equal(photo, Assert.Single(_fake.Uploads).Data);
        var forwarded = (string)Assert.Single(_fake.Submits).Body["imageUrls"]![0]!;
        Assert.StartsWith(_fake.Root + "/cdn/", forwarded);
        // RunHub charges its own catalog price; what the upstream charged its key is the upstream's business.
        Assert.Equal("0.03", (string)done["usage"]!["consumeMoney"]!);
        Assert.Equal(0.97m, await caller.BalanceAsync());
    }

    [Fact]
    public async Task An_upstream_task_that_never_ends_fails_with_1006_at_the_deadline_and_is_cancelled_upstream()
    {
        _fake.Script = new FakeScript { Outcome = FakeOutcome.Hang };
        // The deadline is on a fake clock, moved once the upstream task exists: a loaded machine must not let it pass
        // before RunHub has submitted upstream (nothing to cancel yet).
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var gateway = await GatewayServer.StartAsync(_fake, timeoutSeconds: 60,
            new Dictionary<string, string?> { ["Queue:LeaseSeconds"] = "86400" }, clock);
        var caller = await gateway.Server.NewCallerAsync(balance: 1m);

        var submitted = await caller.SubmitAsync(GatewayServer.Endpoint,
            new { prompt = "A sudden, massive explosion behind them", imageUrls = new[] { TestImages.DataUri(TestImages.Png(20, 20)) }, aspectRatio = "1:1" });
        await _fake.FirstQuery.WaitAsync(TimeSpan.FromSeconds(60));
        clock.Advance(TimeSpan.FromSeconds(61));
        var done = await caller.WaitAsync((string)submitted["taskId"]!);

        Assert.Equal("FAILED", (string)done["status"]!);
        Assert.Equal("1006", (string)done["errorCode"]!);
        var upstreamTask = Assert.Single(_fake.Cancels);
        Assert.Contains(gateway.Logs.All, line => line.Contains(upstreamTask, StringComparison.Ordinal) && line.Contains("cancelled", StringComparison.Ordinal));
        Assert.Equal(1m, await caller.BalanceAsync());
    }

    [Fact]
    public async Task An_upstream_failure_code_reaches_the_caller_unchanged()
    {
        _fake.Script = new FakeScript { Outcome = FakeOutcome.Fail, FailCode = "1501", FailMessage = "content moderation: the prompt was refused" };
        await using var gateway = await GatewayServer.StartAsync(_fake);
        var caller = await gateway.Server.NewCallerAsync(balance: 1m);

        var submitted = await caller.SubmitAsync(GatewayServer.Endpoint,
            new { prompt = "A sudden, massive explosion behind them", imageUrls = new[] { TestImages.DataUri(TestImages.Png(20, 20)) }, aspectRatio = "1:1" });
        var done = await caller.WaitAsync((string)submitted["taskId"]!);

        Assert.Equal("FAILED", (string)done["status"]!);
        Assert.Equal("1501", (string)done["errorCode"]!);
        Assert.Equal("content moderation: the prompt was refused", (string)done["errorMessage"]!);
        Assert.Equal(1m, await caller.BalanceAsync());
    }

    [Fact]
    public async Task A_busy_upstream_keeps_the_task_queued_until_it_has_room_and_then_it_succeeds()
    {
        _fake.Script = new FakeScript { BusyRefusalsLeft = 2 };
        await using var gateway = await GatewayServer.StartAsync(_fake);
        var caller = await gateway.Server.NewCallerAsync(balance: 1m);

        var submitted = await caller.SubmitAsync(GatewayServer.Endpoint,
            new { prompt = "A sudden, massive explosion behind them", imageUrls = new[] { TestImages.DataUri(TestImages.Png(20, 20)) }, aspectRatio = "1:1" });
        var done = await caller.WaitAsync((string)submitted["taskId"]!);

        Assert.Equal("SUCCESS", (string)done["status"]!);
        Assert.Equal(3, _fake.Submits.Count);
        Assert.Equal(0.97m, await caller.BalanceAsync());
    }

    [Fact]
    public async Task Cancelling_a_running_task_cancels_the_upstream_task()
    {
        _fake.Script = new FakeScript { Outcome = FakeOutcome.Hang };
        // A worker sees a cancel request when it renews its lease, at most every 2 s (TaskRunner.RenewalInterval). The lease
        // is long: a 1 s lease lapsed once under a loaded CI run, another worker took the task again, and the upstream had
        // two tasks to cancel.
        await using var gateway = await GatewayServer.StartAsync(_fake, serverSettings: new Dictionary<string, string?> { ["Queue:LeaseSeconds"] = "60" });
        var caller = await gateway.Server.NewCallerAsync(balance: 1m);
        var submitted = await caller.SubmitAsync(GatewayServer.Endpoint,
            new { prompt = "A sudden, massive explosion behind them", imageUrls = new[] { TestImages.DataUri(TestImages.Png(20, 20)) }, aspectRatio = "1:1" });
        var taskId = (string)submitted["taskId"]!;
        await _fake.FirstQuery.WaitAsync(TimeSpan.FromSeconds(60));

        await caller.PostAsync("/openapi/v2/cancel", System.Text.Json.JsonSerializer.Serialize(new { taskId }));
        var done = await WaitForEndAsync(caller, taskId);

        Assert.Equal("CANCEL", (string)done["status"]!);
        Assert.Single(_fake.Cancels);
        Assert.Equal(1m, await caller.BalanceAsync());
    }

    [Fact]
    public async Task Models_imported_from_runninghubs_registry_are_forwarded_with_the_configured_server_and_key()
    {
        _fake.Script = new FakeScript { QueuedPolls = 0, RunningPolls = 0 };
        var keyVariable = "RUNHUB_TEST_UPSTREAM_KEY_" + Guid.NewGuid().ToString("N");
        Environment.SetEnvironmentVariable(keyVariable, _fake.ApiKey);
        try
        {
            await using var server = await TestServer.StartAsync(new Dictionary<string, string?>
            {
                ["CatalogImports:0:Registry"] = Path.Combine(RepoPaths.RunningHubFixtures, "model-registry.public.json"),
                ["CatalogImports:0:Pricing"] = Path.Combine(RepoPaths.RunningHubFixtures, "pricing.public.json"),
                ["CatalogImports:0:Engine"] = "runninghub",
                ["Engines:RunningHub:Server"] = _fake.Root,
                ["Engines:RunningHub:ApiKeyEnv"] = keyVariable,
                ["Media:AllowPrivateNetworks"] = "true",
            });
            var caller = await server.NewCallerAsync(balance: 1m);

            var submitted = await caller.SubmitAsync("alibaba/wan-2.7/text-to-image", new { prompt = "A lighthouse in a storm, oil painting", width = 768 });
            var done = await caller.WaitAsync((string)submitted["taskId"]!);

            Assert.Equal("SUCCESS", (string)done["status"]!);
            var (endpoint, body) = Assert.Single(_fake.Submits);
            Assert.Equal("alibaba/wan-2.7/text-to-image", endpoint);
            Assert.Equal(768, (int)body["width"]!);
            using var http = new HttpClient();
            Assert.Equal(_fake.ResultImage, await http.GetByteArrayAsync((string)done["results"]![0]!["url"]!));
            Assert.Equal(1m - 0.189m, await caller.BalanceAsync());

            // The registry's renamed seed replaced the shipped one: a client calling it by either name reaches the
            // upstream under the name RunningHub gives it today.
            foreach (var name in new[] { "rhart-image-g-1.5/text-to-image", "rhart-image-g-1.5/text-to-image-[Deprecated]" })
            {
                var seed = await caller.WaitAsync((string)(await caller.SubmitAsync(name, new { prompt = "A lighthouse at dawn", aspectRatio = "1:1" }))["taskId"]!);
                Assert.Equal("SUCCESS", (string)seed["status"]!);
                Assert.Equal("rhart-image-g-1.5/text-to-image-[Deprecated]", _fake.Submits.Last().Endpoint);
            }
        }
        finally
        {
            Environment.SetEnvironmentVariable(keyVariable, null);
        }
    }

    [Fact]
    public async Task The_upstream_key_appears_in_no_log_line_and_no_task_record()
    {
        await using var gateway = await GatewayServer.StartAsync(_fake);
        var caller = await gateway.Server.NewCallerAsync(balance: 1m);
        var body = new { prompt = "A sudden, massive explosion behind them", imageUrls = new[] { TestImages.DataUri(TestImages.Png(20, 20)) }, aspectRatio = "1:1" };

        var succeeded = await caller.WaitAsync((string)(await caller.SubmitAsync(GatewayServer.Endpoint, body))["taskId"]!);
        // An upstream that echoes the key in its error message.
        _fake.Script = new FakeScript { Outcome = FakeOutcome.Fail, FailCode = "1015", FailMessage = $"generation failed for {_fake.ApiKey}" };
        var failed = await caller.WaitAsync((string)(await caller.SubmitAsync(GatewayServer.Endpoint, body))["taskId"]!);

        Assert.Equal("SUCCESS", (string)succeeded["status"]!);
        Assert.Equal("1015", (string)failed["errorCode"]!);
        Assert.DoesNotContain(_fake.ApiKey, failed.ToJsonString());
        Assert.Contains(gateway.Logs.All, line => line.Contains("forwarded to", StringComparison.Ordinal));
        Assert.DoesNotContain(gateway.Logs.All, line => line.Contains(_fake.ApiKey, StringComparison.Ordinal));
        Assert.Empty(_fake.BadKeys);
        await gateway.Server.StopAsync();
        var key = Encoding.UTF8.GetBytes(_fake.ApiKey);
        foreach (var file in Directory.EnumerateFiles(gateway.Server.DataDir, "*", SearchOption.AllDirectories))
            Assert.True((await File.ReadAllBytesAsync(file)).AsSpan().IndexOf(key) < 0, $"{file} holds the upstream key");
    }

    private static async Task<System.Text.Json.Nodes.JsonObject> WaitForEndAsync(ApiCaller caller, string taskId)
    {
        for (var polls = 0; ; polls++)
        {
            var task = await caller.QueryAsync(taskId);
            if ((string?)task["status"] is "SUCCESS" or "FAILED" or "CANCEL") return task;
            Assert.True(polls < 1200, $"task {taskId} did not end: {task.ToJsonString()}");
            await Task.Delay(50);
        }
    }
}
