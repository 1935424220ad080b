using RunHub.Engines;
using RunHub.Tests.Engines.OpenAiImages.Support;
using RunHub.Tests.Support;

namespace RunHub.Tests.Engines.OpenAiImages;

/// <summary>
/// Busy and failing backends: 429 and 5xx answers are retried inside the engine, boundedly, honouring Retry-After;
/// a request whose answer was lost after sending is never sent again, because the backend may have billed it.
/// </summary>
public sealed class OpenAiImagesRetryTests : IAsyncLifetime
{
    private FakeOpenAiImages _fake = null!;

    public async Task InitializeAsync() => _fake = await FakeOpenAiImages.StartAsync();

    public async Task DisposeAsync() => await _fake.DisposeAsync();

    private async Task<EngineOutput> RunAsync(object? settings = null, CapturedLogs? logs = null)
    {
        using var engine = OpenAiJobs.Engine(_fake, logs);
        return await engine.RunAsync(OpenAiJobs.Edit(OpenAiJobs.Backend(_fake, settings), "1:1", TestImages.Png(64, 64)));
    }

    [Fact]
    public async Task Rate_limit_with_retry_after_is_waited_out_and_then_succeeds()
    {
        _fake.Script(FakeReply.RateLimited("1"));
        var logs = new CapturedLogs();

        var output = await RunAsync(logs: logs);

        Assert.Equal(Assert.Single(_fake.Produced), Assert.Single(output.Files).Data);
        Assert.Equal(2, _fake.Received.Count);
        Assert.Contains("HTTP 429", logs.Text, StringComparison.Ordinal);
        Assert.Contains("in 1000 ms", logs.Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Rate_limit_that_outlasts_the_retries_hands_the_task_back_with_retry_after()
    {
        _fake.Script(FakeReply.RateLimited("0"), FakeReply.RateLimited("0"), FakeReply.RateLimited("7"));

        var failure = await Assert.ThrowsAsync<EngineException>(() => RunAsync(new { maxRetries = 2 }));

        Assert.Equal("1012", failure.ErrorCode);
        Assert.True(failure.Retryable);
        Assert.Equal(TimeSpan.FromSeconds(7), failure.RetryAfter);
        Assert.Equal(3, _fake.Received.Count);
    }

    [Fact]
    public async Task A_retry_after_longer_than_the_engine_waits_hands_the_task_back_at_once()
    {
        _fake.Script(FakeReply.RateLimited("600"));

        var failure = await Assert.ThrowsAsync<EngineException>(() => RunAsync(new { maxRetryWaitSeconds = 30 }));

        Assert.Equal(TimeSpan.FromSeconds(600), failure.RetryAfter);
        Assert.Single(_fake.Received);
    }

    [Fact]
    public async Task Exhausted_quota_is_not_retried_here_but_may_fail_over()
    {
        _fake.Script(FakeReply.Error(429, "insufficient_quota", "insufficient_quota", "You exceeded your current quota, please check your plan and billing details."));

        var failure = await Assert.ThrowsAsync<EngineException>(() => RunAsync());

        Assert.True(failure.Retryable);
        Assert.Null(failure.RetryAfter);
        Assert.Contains("no quota left", failure.Message, StringComparison.Ordinal);
        Assert.Single(_fake.Received);
    }

    [Fact]
    public async Task Server_errors_are_retried_and_a_later_success_is_used()
    {
        _fake.Script(FakeReply.ServerError(), FakeReply.Raw(503, "text/html", "<html>Service Unavailable</html>"));

        var output = await RunAsync(new { maxRetries = 2 });

        Assert.Single(output.Files);
        Assert.Equal(3, _fake.Received.Count);
    }

    [Fact]
    public async Task Server_errors_that_persist_fail_retryable_after_the_bounded_retries()
    {
        _fake.Script(FakeReply.ServerError(), FakeReply.ServerError(), FakeReply.ServerError(), FakeReply.ServerError());

        var failure = await Assert.ThrowsAsync<EngineException>(() => RunAsync(new { maxRetries = 2 }));

        Assert.Equal("1012", failure.ErrorCode);
        Assert.True(failure.Retryable);
        Assert.Null(failure.RetryAfter);
        Assert.Contains("HTTP 500", failure.Message, StringComparison.Ordinal);
        Assert.Equal(3, _fake.Received.Count);
    }

    [Fact]
    public async Task An_answer_lost_after_sending_is_not_sent_again()
    {
        _fake.Script(FakeReply.DropConnection());

        var failure = await Assert.ThrowsAsync<EngineException>(() => RunAsync(new { maxRetries = 3 }));

        Assert.Equal("1012", failure.ErrorCode);
        Assert.False(failure.Retryable);
        Assert.Contains("billed", failure.Message, StringComparison.Ordinal);
        Assert.Single(_fake.Received);
    }

    [Fact]
    public async Task A_gateway_timeout_is_not_sent_again()
    {
        _fake.Script(FakeReply.Raw(504, "text/html", "<html>504 Gateway Time-out</html>"));

        var failure = await Assert.ThrowsAsync<EngineException>(() => RunAsync(new { maxRetries = 3 }));

        Assert.False(failure.Retryable);
        Assert.Contains("HTTP 504", failure.Message, StringComparison.Ordinal);
        Assert.Contains("billed", failure.Message, StringComparison.Ordinal);
        Assert.Single(_fake.Received);
    }

    [Fact]
    public async Task An_unreachable_backend_is_retried_then_fails_retryable_so_another_can_take_over()
    {
        using var engine = OpenAiJobs.Engine(_fake);
        var backend = OpenAiJobs.Backend($"http://127.0.0.1:{ClosedPort.Find()}", new { maxRetries = 1 });

        var failure = await Assert.ThrowsAsync<EngineException>(() => engine.RunAsync(OpenAiJobs.Text(backend, "1:1")));

        Assert.Equal("1012", failure.ErrorCode);
        Assert.True(failure.Retryable);
        Assert.Contains("cannot be reached", failure.Message, StringComparison.Ordinal);
    }
}
