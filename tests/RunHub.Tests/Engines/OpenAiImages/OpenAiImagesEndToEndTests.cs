using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using RunHub.Tasks;
using RunHub.Tests.Engines.OpenAiImages.Support;
using RunHub.Tests.Support;

namespace RunHub.Tests.Engines.OpenAiImages;

/// <summary>A RunningHub client talks to the real server, whose seed models run on an OpenAI-compatible images API.</summary>
public sealed class OpenAiImagesEndToEndTests : IAsyncLifetime
{
    private FakeOpenAiImages _fake = null!;

    public async Task InitializeAsync() => _fake = await FakeOpenAiImages.StartAsync();

    public async Task DisposeAsync() => await _fake.DisposeAsync();

    [Fact]
    public async Task Seed_edit_submitted_through_the_api_returns_the_backends_image()
    {
        await using var host = await OpenAiServer.StartAsync(_fake);
        var caller = await host.Server.NewCallerAsync(balance: 1m);
        var photo = TestImages.Png(600, 400);
        var upload = await caller.UploadAsync(photo, "photo.png", "image/png");

        var submitted = await caller.SubmitAsync(OpenAiServer.Edit, new
        {
            prompt = "A sudden, massive explosion behind three friends",
            imageUrls = new[] { (string)upload["data"]!["download_url"]! },
            aspectRatio = "2:3",
        });
        var done = await caller.WaitAsync((string)submitted["taskId"]!);

        Assert.Equal("SUCCESS", (string)done["status"]!);
        var result = done["results"]!.AsArray().Single()!;
        Assert.Equal("png", (string)result["outputType"]!);
        var image = await host.Server.Http.GetByteArrayAsync((string)result["url"]!);
        Assert.Equal(Assert.Single(_fake.Produced), image);
        Assert.Equal((1024, 1536), TestImages.SizeOf(image));

        var sent = Assert.Single(_fake.Received);
        Assert.Equal(photo, Assert.Single(sent.Images).Bytes);
        Assert.Equal("1024x1536", sent.Field("size"));
        Assert.Equal("high", sent.Field("quality"));
        Assert.Equal(0.97m, await caller.BalanceAsync());

        // The backend's own token usage is kept with the task.
        var record = await host.Server.Services.GetRequiredService<TaskQueue>().FindAsync(caller.AccountId, (string)submitted["taskId"]!);
        using var usage = JsonDocument.Parse(record!.BackendUsage!);
        Assert.Equal(323, usage.RootElement.GetProperty("input_tokens_details").GetProperty("image_tokens").GetInt32());
    }

    [Fact]
    public async Task A_backend_that_keeps_failing_hands_the_task_to_the_next_one()
    {
        await using var second = await FakeOpenAiImages.StartAsync(_fake.ApiKey);
        _fake.Script(Enumerable.Range(0, 3).Select(_ => FakeReply.Raw(503, "text/html", "<html>Service Unavailable</html>")).ToArray());
        await using var host = await OpenAiServer.StartAsync(_fake, fallback: second);
        var caller = await host.Server.NewCallerAsync();

        var submitted = await caller.SubmitAsync(OpenAiServer.TextToImage, new { prompt = "first backend is down", aspectRatio = "1:1" });
        var done = await caller.WaitAsync((string)submitted["taskId"]!);

        Assert.Equal("SUCCESS", (string)done["status"]!);
        Assert.Equal(3, _fake.Received.Count);
        var image = await host.Server.Http.GetByteArrayAsync((string)done["results"]![0]!["url"]!);
        Assert.Equal(Assert.Single(second.Produced), image);
    }

    [Fact]
    public async Task Text_to_image_submitted_through_the_api_returns_the_backends_image()
    {
        await using var host = await OpenAiServer.StartAsync(_fake);
        var caller = await host.Server.NewCallerAsync();

        var submitted = await caller.SubmitAsync(OpenAiServer.TextToImage, new { prompt = "a lighthouse at dawn", aspectRatio = "3:2" });
        var done = await caller.WaitAsync((string)submitted["taskId"]!);

        Assert.Equal("SUCCESS", (string)done["status"]!);
        var image = await host.Server.Http.GetByteArrayAsync((string)done["results"]![0]!["url"]!);
        Assert.Equal(Assert.Single(_fake.Produced), image);
        Assert.False(Assert.Single(_fake.Received).IsEdit);
    }

    [Fact]
    public async Task A_rate_limited_backend_puts_the_task_back_in_the_queue_and_it_succeeds_later()
    {
        // The backend asks for a longer wait than the engine holds a worker for: the task waits in the queue instead.
        _fake.Script(FakeReply.RateLimited("1"));
        await using var host = await OpenAiServer.StartAsync(_fake, maxRetryWaitSeconds: 0);
        var caller = await host.Server.NewCallerAsync(balance: 1m);

        var submitted = await caller.SubmitAsync(OpenAiServer.TextToImage, new { prompt = "busy at first", aspectRatio = "1:1" });
        var done = await caller.WaitAsync((string)submitted["taskId"]!);

        Assert.Equal("SUCCESS", (string)done["status"]!);
        Assert.Equal(2, _fake.Received.Count);
        Assert.Equal(0.97m, await caller.BalanceAsync());
    }

    [Fact]
    public async Task A_backend_that_hangs_past_the_deadline_fails_the_task_with_1006_and_the_request_is_dropped()
    {
        _fake.Script(FakeReply.Hang());
        await using var host = await OpenAiServer.StartAsync(_fake, timeoutSeconds: 2);
        var caller = await host.Server.NewCallerAsync(balance: 1m);

        var submitted = await caller.SubmitAsync(OpenAiServer.TextToImage, new { prompt = "never arrives", aspectRatio = "1:1" });
        var done = await caller.WaitAsync((string)submitted["taskId"]!);

        Assert.Equal("FAILED", (string)done["status"]!);
        Assert.Equal("1006", (string)done["errorCode"]!);
        await _fake.HangAborted.Task.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Single(_fake.Received);
        Assert.Equal(1m, await caller.BalanceAsync());
    }

    [Fact]
    public async Task A_moderation_refusal_fails_the_task_with_1501()
    {
        _fake.Script(FakeReply.Moderation());
        await using var host = await OpenAiServer.StartAsync(_fake);
        var caller = await host.Server.NewCallerAsync();

        var submitted = await caller.SubmitAsync(OpenAiServer.TextToImage, new { prompt = "something refused", aspectRatio = "1:1" });
        var done = await caller.WaitAsync((string)submitted["taskId"]!);

        Assert.Equal("FAILED", (string)done["status"]!);
        Assert.Equal("1501", (string)done["errorCode"]!);
        Assert.Contains("safety system", (string)done["errorMessage"]!, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_api_key_never_appears_in_the_logs_or_the_task_records()
    {
        var wrongKey = "sk-proj-WRONG" + Guid.NewGuid().ToString("N");
        // The edit model sends a key the fake refuses (and echoes partly); the other one the right key, which the
        // fake then echoes whole in an error, the worst a backend can do.
        await using var host = await OpenAiServer.StartAsync(_fake, keys: new Dictionary<string, string> { [OpenAiServer.Edit] = wrongKey });
        var caller = await host.Server.NewCallerAsync();
        _fake.Script(FakeReply.B64(), FakeReply.Error(400, "invalid_request_error", null, $"Bad request made with {_fake.ApiKey}."));

        var outcomes = new List<(string Status, string Code, string Message)>();
        foreach (var (endpoint, body) in new (string, object)[]
        {
            (OpenAiServer.TextToImage, new { prompt = "first one succeeds", aspectRatio = "1:1" }),
            (OpenAiServer.TextToImage, new { prompt = "second one echoes the key", aspectRatio = "1:1" }),
            (OpenAiServer.Edit, new { prompt = "third one has a refused key", imageUrls = new[] { TestImages.DataUri(TestImages.Png(64, 64)) }, aspectRatio = "1:1" }),
        })
        {
            var submitted = await caller.SubmitAsync(endpoint, body);
            var done = await caller.WaitAsync((string)submitted["taskId"]!);
            outcomes.Add(((string)done["status"]!, (string)done["errorCode"]!, (string)done["errorMessage"]!));
            Assert.DoesNotContain(_fake.ApiKey, done.ToJsonString(), StringComparison.Ordinal);
        }
        await host.Server.StopAsync();

        Assert.Equal(["SUCCESS", "FAILED", "FAILED"], outcomes.Select(o => o.Status));
        Assert.Contains("[redacted]", outcomes[1].Message, StringComparison.Ordinal);
        Assert.Contains("HTTP 401", outcomes[2].Message, StringComparison.Ordinal);

        var logs = host.Logs.Text;
        var stored = host.StoredText();
        // The searches look where the secrets would be: the engine logged the tasks, and the records hold their errors.
        Assert.Contains("openai-images: task", logs, StringComparison.Ordinal);
        Assert.Contains("[redacted]", stored, StringComparison.Ordinal);
        foreach (var secret in new[] { _fake.ApiKey, wrongKey, wrongKey[^12..], _fake.ApiKey[^12..] })
        {
            Assert.DoesNotContain(secret, logs, StringComparison.Ordinal);
            Assert.DoesNotContain(secret, stored, StringComparison.Ordinal);
        }
    }
}
