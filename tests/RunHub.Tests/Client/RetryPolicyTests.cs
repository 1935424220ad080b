using System.Net;
using RunHub.Client;
using RunHub.Tests.Client.Support;

namespace RunHub.Tests.Client;

/// <summary>Which failures are retried, how often, and when a submit may be sent again (a scripted server).</summary>
public sealed class RetryPolicyTests
{
    private const string Queued = """{"taskId": "2013508786110730241", "status": "QUEUED", "errorCode": "", "errorMessage": ""}""";

    [Fact]
    public async Task A_submit_refused_with_a_retryable_code_is_sent_again_even_without_idempotency()
    {
        var server = new FakeServer().Json("""{"taskId": "", "status": "", "errorCode": "1011", "errorMessage": "system busy"}""").Json(Queued);
        using var client = Clients.For(server, o => o.ServerHonoursIdempotencyKeys = false);

        var task = await client.SubmitAsync("m/x", new { prompt = "p" });

        Assert.Equal("2013508786110730241", task.TaskId);
        Assert.Equal(2, server.Requests.Count);
    }

    [Fact]
    public async Task A_submit_refused_with_a_final_code_is_sent_once()
    {
        var server = new FakeServer().Json("""{"taskId": "", "status": "", "errorCode": "1007", "errorMessage": "invalid parameter: prompt"}""");
        using var client = Clients.For(server);
        await Assert.ThrowsAsync<RunHubException>(() => client.SubmitAsync("m/x", new { prompt = "p" }));
        Assert.Single(server.Requests);
    }

    [Fact]
    public async Task A_lost_submit_answer_is_sent_again_with_the_same_key_when_the_server_honours_keys()
    {
        var server = new FakeServer().Status(HttpStatusCode.BadGateway, "<html>bad gateway</html>").NetworkFailure().Json(Queued);
        using var client = Clients.For(server, o => o.ServerHonoursIdempotencyKeys = true);

        await client.SubmitAsync("m/x", new { prompt = "p" });

        Assert.Equal(3, server.Requests.Count);
        Assert.Single(server.Requests.Select(r => r.IdempotencyKey).Distinct());
        Assert.True(Guid.TryParse(server.Requests[0].IdempotencyKey, out _));
    }

    [Fact]
    public async Task A_lost_submit_answer_is_not_sent_again_when_the_server_does_not_honour_keys()
    {
        var server = new FakeServer().Status(HttpStatusCode.ServiceUnavailable).Json(Queued);
        using var client = Clients.For(server, o => o.ServerHonoursIdempotencyKeys = false);

        var error = await Assert.ThrowsAsync<RunHubException>(() => client.SubmitAsync("m/x", new { prompt = "p" }));

        Assert.Equal("HTTP 503", error.ErrorCode);
        Assert.True(error.IsRetryable);
        Assert.True(error.OutcomeUnknown);
        Assert.Single(server.Requests);
    }

    [Fact]
    public async Task A_failed_task_in_a_submit_answer_is_thrown_and_never_resubmitted()
    {
        var server = new FakeServer().Json("""{"taskId": "5", "status": "FAILED", "errorCode": "1015", "errorMessage": "generation failed"}""");
        using var client = Clients.For(server);
        var error = await Assert.ThrowsAsync<RunHubException>(() => client.SubmitAsync("m/x", new { prompt = "p" }));
        Assert.Equal(("1015", "5", true), (error.ErrorCode, error.TaskId, error.IsRetryable));
        Assert.Single(server.Requests);
    }

    [Fact]
    public async Task The_callers_own_idempotency_key_is_sent()
    {
        var server = new FakeServer().Json(Queued);
        using var client = Clients.For(server);
        await client.SubmitAsync("m/x", new { prompt = "p" }, "order-42");
        Assert.Equal("order-42", server.Requests.Single().IdempotencyKey);
    }

    [Theory]
    [InlineData("has space")]
    [InlineData("ключ")]
    public async Task A_key_the_header_cannot_carry_is_refused_before_sending(string key)
    {
        var server = new FakeServer().Json(Queued);
        using var client = Clients.For(server);
        await Assert.ThrowsAsync<ArgumentException>(() => client.SubmitAsync("m/x", new { prompt = "p" }, key));
        Assert.Empty(server.Requests);
    }

    [Fact]
    public async Task Each_submit_call_gets_its_own_key()
    {
        var server = new FakeServer().Json(Queued);
        using var client = Clients.For(server);
        await client.SubmitAsync("m/x", new { prompt = "p" });
        await client.SubmitAsync("m/x", new { prompt = "p" });
        Assert.NotEqual(server.Requests[0].IdempotencyKey, server.Requests[1].IdempotencyKey);
    }

    [Fact]
    public async Task Queries_are_retried_through_network_errors_429_and_5xx()
    {
        var server = new FakeServer().NetworkFailure().Status(HttpStatusCode.TooManyRequests).Status(HttpStatusCode.InternalServerError).Json(Queued);
        using var client = Clients.For(server);
        Assert.Equal(RunHubTaskStatus.Queued, (await client.QueryAsync("2013508786110730241")).Status);
        Assert.Equal(4, server.Requests.Count);
    }

    [Fact]
    public async Task A_bare_socket_error_is_a_network_error_and_the_query_is_retried()
    {
        var server = new FakeServer().BareSocketError().Json(Queued);
        using var client = Clients.For(server);
        Assert.Equal(RunHubTaskStatus.Queued, (await client.QueryAsync("2013508786110730241")).Status);
        Assert.Equal(2, server.Requests.Count);
    }

    [Fact]
    public async Task Retries_stop_after_MaxAttempts_with_the_last_error_still_retryable()
    {
        var server = new FakeServer().Status(HttpStatusCode.ServiceUnavailable);
        using var client = Clients.For(server, o => o.MaxAttempts = 3);
        var error = await Assert.ThrowsAsync<RunHubException>(() => client.GetAccountStatusAsync());
        Assert.Equal(("HTTP 503", true), (error.ErrorCode, error.IsRetryable));
        Assert.Equal(3, server.Requests.Count);
    }

    [Fact]
    public async Task A_successful_status_with_an_unreadable_body_is_an_invalid_response_and_retried_for_reads()
    {
        var server = new FakeServer().Status(HttpStatusCode.OK, "<html>captive portal</html>").Json(Queued);
        using var client = Clients.For(server);
        await client.QueryAsync("2013508786110730241");
        Assert.Equal(2, server.Requests.Count);
    }

    [Fact]
    public async Task A_client_error_status_is_not_retried()
    {
        var server = new FakeServer().Status(HttpStatusCode.Forbidden, "denied");
        using var client = Clients.For(server);
        var error = await Assert.ThrowsAsync<RunHubException>(() => client.QueryAsync("1"));
        Assert.Equal(("HTTP 403", false), (error.ErrorCode, error.IsRetryable));
        Assert.Single(server.Requests);
    }

    [Fact]
    public async Task Wait_polls_through_transient_query_failures_until_the_task_ends()
    {
        var server = new FakeServer().Json(Queued).Status(HttpStatusCode.BadGateway)
            .Json("""{"taskId": "2013508786110730241", "status": "SUCCESS", "results": [{"url": "https://a/1.png"}]}""");
        using var client = Clients.For(server, o => o.MaxAttempts = 1);
        Assert.True((await client.WaitAsync("2013508786110730241")).IsSuccess);
    }

    [Fact]
    public async Task An_upload_from_a_stream_that_cannot_seek_is_sent_once()
    {
        var server = new FakeServer().NetworkFailure();
        using var client = Clients.For(server);
        using var stream = new NonSeekableStream([1, 2, 3]);
        var error = await Assert.ThrowsAsync<RunHubException>(() => client.UploadAsync(stream, "a.png"));
        Assert.Equal(RunHubErrorCodes.Network, error.ErrorCode);
        Assert.Single(server.Requests);
    }

    [Theory]
    [InlineData(1, 50)]
    [InlineData(2, 100)]
    [InlineData(4, 400)]
    [InlineData(40, 1000)]
    public void Backoff_doubles_from_the_base_delay_up_to_the_cap_keeping_at_least_half_under_jitter(int failedAttempt, double fullMs)
    {
        for (var i = 0; i < 50; i++)
        {
            var delay = RetryDelays.After(failedAttempt, TimeSpan.FromMilliseconds(50), TimeSpan.FromMilliseconds(1000));
            Assert.InRange(delay.TotalMilliseconds, fullMs / 2, fullMs);
        }
    }

    [Fact]
    public void A_servers_Retry_After_is_honoured_up_to_the_cap()
    {
        Assert.Equal(TimeSpan.FromMilliseconds(800), RetryDelays.After(1, TimeSpan.FromMilliseconds(10), TimeSpan.FromSeconds(1), TimeSpan.FromMilliseconds(800)));
        Assert.Equal(TimeSpan.FromSeconds(1), RetryDelays.After(1, TimeSpan.FromMilliseconds(10), TimeSpan.FromSeconds(1), TimeSpan.FromMinutes(5)));
    }

    private sealed class NonSeekableStream(byte[] content) : MemoryStream(content)
    {
        public override bool CanSeek => false;
    }
}
