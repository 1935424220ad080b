using RunHub.Engines;
using RunHub.Tests.Engines.OpenAiImages.Support;
using RunHub.Tests.Support;

namespace RunHub.Tests.Engines.OpenAiImages;

/// <summary>Answers no retry can fix: each fails the task at once with the RunningHub code that says why.</summary>
public sealed class OpenAiImagesFailureTests : IAsyncLifetime
{
    private FakeOpenAiImages _fake = null!;

    public async Task InitializeAsync() => _fake = await FakeOpenAiImages.StartAsync();

    public async Task DisposeAsync() => await _fake.DisposeAsync();

    private Task<EngineException> FailAsync(object? settings = null, string? key = null, CapturedLogs? logs = null)
    {
        var engine = OpenAiJobs.Engine(_fake, logs, key);
        return Assert.ThrowsAsync<EngineException>(async () =>
        {
            using (engine) await engine.RunAsync(OpenAiJobs.Edit(OpenAiJobs.Backend(_fake, settings), "1:1", TestImages.Png(64, 64)));
        });
    }

    [Fact]
    public async Task Moderation_refusal_fails_with_1501_and_is_not_sent_again()
    {
        _fake.Script(FakeReply.Moderation());
        var failure = await FailAsync();
        Assert.Equal("1501", failure.ErrorCode);
        Assert.False(failure.Retryable);
        Assert.Contains("safety system", failure.Message, StringComparison.Ordinal);
        Assert.Single(_fake.Received);
    }

    [Fact]
    public async Task Invalid_request_fails_with_1012_naming_the_field_and_is_not_sent_again()
    {
        var failure = await FailAsync(new { quality = "ultra" });
        Assert.Equal("1012", failure.ErrorCode);
        Assert.False(failure.Retryable);
        Assert.Contains("HTTP 400", failure.Message, StringComparison.Ordinal);
        Assert.Contains("param quality", failure.Message, StringComparison.Ordinal);
        Assert.Contains("'ultra'", failure.Message, StringComparison.Ordinal);
        Assert.Single(_fake.Received);
    }

    [Fact]
    public async Task Refused_key_fails_with_1012_naming_the_variable_but_never_the_key()
    {
        var wrongKey = "sk-proj-WRONGKEY" + Guid.NewGuid().ToString("N");
        var logs = new CapturedLogs();
        var failure = await FailAsync(key: wrongKey, logs: logs);
        Assert.Equal("1012", failure.ErrorCode);
        Assert.False(failure.Retryable);
        Assert.Contains("HTTP 401", failure.Message, StringComparison.Ordinal);
        Assert.Contains(OpenAiJobs.KeyName, failure.Message, StringComparison.Ordinal);
        // The backend echoes the key partly masked; none of it may reach the task's message or the logs.
        Assert.DoesNotContain(wrongKey[..6], failure.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(wrongKey[^4..], failure.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(wrongKey[^4..], logs.Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_key_the_backend_echoes_in_an_error_is_cut_out_of_the_message()
    {
        _fake.Script(FakeReply.Error(400, "invalid_request_error", null, $"Something is wrong with the request sent with key {_fake.ApiKey}, sorry"));
        var failure = await FailAsync();
        Assert.DoesNotContain(_fake.ApiKey, failure.Message, StringComparison.Ordinal);
        Assert.Contains("[redacted]", failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_missing_key_variable_fails_naming_it_before_anything_is_sent()
    {
        var failure = await FailAsync(new { apiKeyEnv = "RUNHUB_TEST_NO_SUCH_VARIABLE_" + Guid.NewGuid().ToString("N") });
        Assert.Equal("1012", failure.ErrorCode);
        Assert.Contains("RUNHUB_TEST_NO_SUCH_VARIABLE_", failure.Message, StringComparison.Ordinal);
        Assert.Empty(_fake.Received);
    }

    [Fact]
    public async Task Malformed_json_answer_fails_with_1012()
    {
        _fake.Script(FakeReply.Raw(200, "application/json", "{\"created\": 1767225600, \"data\": [{\"b64_json\": \"iVBOR"));
        var failure = await FailAsync();
        Assert.Equal("1012", failure.ErrorCode);
        Assert.False(failure.Retryable);
        Assert.Contains("not valid JSON", failure.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("{\"created\": 1}", "no \"data\" list")]
    [InlineData("[]", "no \"data\" list")]
    public async Task Answer_without_a_data_list_fails_with_1012(string body, string expected)
    {
        _fake.Script(FakeReply.Raw(200, "application/json", body));
        var failure = await FailAsync();
        Assert.Equal("1012", failure.ErrorCode);
        Assert.Contains(expected, failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Answer_with_no_image_fails_with_1015()
    {
        _fake.Script(FakeReply.Data("[]"));
        var failure = await FailAsync();
        Assert.Equal("1015", failure.ErrorCode);
    }

    [Theory]
    [InlineData("[{\"b64_json\": \"not base64 at all!\"}]", "not valid base64")]
    [InlineData("[{\"b64_json\": \"aGVsbG8gd29ybGQ=\"}]", "not an image file")]
    [InlineData("[{\"revised_prompt\": \"x\"}]", "neither \"b64_json\" nor \"url\"")]
    [InlineData("[{\"url\": \"file:///etc/passwd\"}]", "not http(s)")]
    public async Task Bad_image_items_fail_with_1012(string data, string expected)
    {
        _fake.Script(FakeReply.Data(data));
        var failure = await FailAsync();
        Assert.Equal("1012", failure.ErrorCode);
        Assert.Contains(expected, failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_aspect_ratio_without_a_size_fails_naming_it()
    {
        var failure = await FailAsync(new { sizes = new Dictionary<string, string> { ["2:3"] = "1024x1536" } });
        Assert.Equal("1012", failure.ErrorCode);
        Assert.Contains("aspectRatio \"1:1\"", failure.Message, StringComparison.Ordinal);
        Assert.Empty(_fake.Received);
    }

    [Theory]
    [InlineData("{\"server\": \"x\", \"model\": \"m\"}", "server")]
    [InlineData("{\"server\": \"http://127.0.0.1:1\"}", "model")]
    [InlineData("{\"model\": \"m\", \"parameters\": {\"colour\": \"prompt\"}}", "parameters")]
    [InlineData("{\"model\": \"m\", \"maxRetries\": 99}", "maxRetries")]
    public async Task Unusable_settings_fail_with_1012_naming_the_setting(string settings, string field)
    {
        using var engine = OpenAiJobs.Engine(_fake);
        var backend = new RunHub.Catalog.EngineBinding("openai-images", System.Text.Json.JsonDocument.Parse(settings).RootElement.Clone());
        var failure = await Assert.ThrowsAsync<EngineException>(() => engine.RunAsync(OpenAiJobs.Text(backend, "1:1")));
        Assert.Equal("1012", failure.ErrorCode);
        Assert.Contains($"\"{field}\"", failure.Message, StringComparison.Ordinal);
    }
}
