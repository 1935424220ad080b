using RunHub.Engines;

namespace RunHub.Tests.Engines.RunningHub;

/// <summary>How the runninghub engine fails: upstream codes, busy limits, bad keys, bad answers, oversized results, cancel.</summary>
public sealed class GatewayFailureTests : IAsyncLifetime
{
    private FakeRunningHub _fake = null!;

    public async Task InitializeAsync() => _fake = await FakeRunningHub.StartAsync();

    public async Task DisposeAsync() => await _fake.DisposeAsync();

    private Task<EngineException> FailAsync(object? settings = null, string? key = null, CancellationToken cancellationToken = default)
    {
        var engine = GatewayJobs.Engine(key ?? _fake.ApiKey);
        return Assert.ThrowsAsync<EngineException>(async () =>
        {
            using (engine)
                await engine.RunAsync(GatewayJobs.SeedEdit(GatewayJobs.Backend(_fake.Root, settings), Support.TestImages.Png(40, 30)), cancellationToken);
        });
    }

    [Fact]
    public async Task An_upstream_failure_code_and_message_pass_through_unchanged_and_are_not_retried()
    {
        _fake.Script = new FakeScript { Outcome = FakeOutcome.Fail, FailCode = "1501", FailMessage = "content moderation: the prompt was refused" };

        var e = await FailAsync();

        Assert.Equal("1501", e.ErrorCode);
        Assert.Equal("content moderation: the prompt was refused", e.Message);
        Assert.False(e.Retryable);
        Assert.Single(_fake.Submits);
        Assert.Empty(_fake.Cancels);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_busy_upstream_sends_the_task_back_to_the_queue_and_a_later_run_succeeds(bool asHttp421)
    {
        _fake.Script = new FakeScript { BusyRefusalsLeft = 1, BusyAsHttp421 = asHttp421 };

        var busy = await FailAsync();

        Assert.Equal("1520", busy.ErrorCode);
        Assert.Equal(TimeSpan.FromSeconds(7), busy.RetryAfter);
        Assert.True(busy.Retryable);
        // What the queue does with it: run the task again later. The upstream then has room.
        using var engine = GatewayJobs.Engine(_fake.ApiKey);
        var output = await engine.RunAsync(GatewayJobs.SeedEdit(GatewayJobs.Backend(_fake.Root), Support.TestImages.Png(40, 30)), CancellationToken.None);
        Assert.Equal(_fake.ResultImage, Assert.Single(output.Files).Data);
        Assert.Equal(2, _fake.Submits.Count);
    }

    [Fact]
    public async Task A_refused_upstream_key_is_a_1012_that_does_not_show_the_key()
    {
        const string wrongKey = "0123456789abcdef0123456789abcdef";

        var e = await FailAsync(key: wrongKey);

        Assert.Equal("1012", e.ErrorCode);
        Assert.False(e.Retryable);
        Assert.Contains(GatewayJobs.KeyVariable, e.Message);
        Assert.DoesNotContain(wrongKey, e.Message);
        Assert.Contains("Bearer " + wrongKey, _fake.BadKeys);
    }

    [Fact]
    public async Task An_upstream_message_that_echoes_the_key_is_passed_on_without_it()
    {
        _fake.Script = new FakeScript { Outcome = FakeOutcome.Fail, FailCode = "1015", FailMessage = $"generation failed for key {_fake.ApiKey}" };

        var e = await FailAsync();

        Assert.Equal("1015", e.ErrorCode);
        Assert.DoesNotContain(_fake.ApiKey, e.Message);
        Assert.Contains("generation failed for key ***", e.Message);
    }

    [Fact]
    public async Task An_unreadable_submit_answer_fails_with_1012_and_is_not_submitted_again()
    {
        _fake.Script = new FakeScript { Outcome = FakeOutcome.MalformedSubmit };

        var e = await FailAsync();

        Assert.Equal("1012", e.ErrorCode);
        Assert.False(e.Retryable);
        Assert.Contains("not submitted again", e.Message);
        Assert.Single(_fake.Submits);
    }

    [Fact]
    public async Task Unreadable_query_answers_give_up_with_1012_after_the_allowed_failures_and_cancel_upstream()
    {
        _fake.Script = new FakeScript { Outcome = FakeOutcome.MalformedQuery, QueuedPolls = 0, RunningPolls = 0 };

        var e = await FailAsync(new { maxFailedPolls = 3 });

        Assert.Equal("1012", e.ErrorCode);
        Assert.False(e.Retryable);
        Assert.Contains("3 times in a row", e.Message);
        Assert.Equal(3, _fake.Queries);
        Assert.Single(_fake.Cancels);
    }

    [Fact]
    public async Task Queries_that_never_answer_time_out_and_give_up_with_1012()
    {
        _fake.Script = new FakeScript { Outcome = FakeOutcome.QueryNeverAnswers, QueuedPolls = 0, RunningPolls = 0 };

        // The timeout bounds every call, the submit's too: 2 s is ten times what a loaded machine took to answer one
        // on loopback (0.2 s once timed the submit out instead), and the queries still time out, twice.
        var e = await FailAsync(new { requestTimeoutSeconds = 2, maxFailedPolls = 2 });

        Assert.Equal("1012", e.ErrorCode);
        Assert.False(e.Retryable);
        Assert.Contains("2 times in a row", e.Message);
        Assert.Single(_fake.Cancels);
    }

    [Fact]
    public async Task A_result_over_the_size_limit_fails_with_1012_while_streaming()
    {
        _fake.Script = new FakeScript { Outcome = FakeOutcome.HugeResult };

        var e = await FailAsync(new { maxResultMb = 1 });

        Assert.Equal("1012", e.ErrorCode);
        Assert.Contains("larger than 1 MB", e.Message);
    }

    [Fact]
    public async Task An_unreachable_upstream_fails_with_a_retryable_1012()
    {
        // A port that was just free and is closed again: connecting is refused, nothing can have arrived.
        var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        var root = $"http://127.0.0.1:{((System.Net.IPEndPoint)listener.LocalEndpoint).Port}";
        listener.Stop();

        var engine = GatewayJobs.Engine(_fake.ApiKey);
        var e = await Assert.ThrowsAsync<EngineException>(async () =>
        {
            using (engine)
                await engine.RunAsync(GatewayJobs.SeedEdit(GatewayJobs.Backend(root), Support.TestImages.Png(40, 30)), CancellationToken.None);
        });

        Assert.Equal("1012", e.ErrorCode);
        Assert.True(e.Retryable);
        Assert.Null(e.RetryAfter);
    }

    [Fact]
    public async Task Cancelling_stops_polling_and_cancels_the_upstream_task()
    {
        _fake.Script = new FakeScript { Outcome = FakeOutcome.Hang };
        var progress = new GatewayJobs.ProgressLog();
        using var engine = GatewayJobs.Engine(_fake.ApiKey);
        using var cancel = new CancellationTokenSource();
        var run = engine.RunAsync(GatewayJobs.SeedEdit(GatewayJobs.Backend(_fake.Root), Support.TestImages.Png(40, 30), progress), cancel.Token);

        while (!progress.Reports.Any(p => p.Node == "upstream RUNNING")) await Task.Delay(10);
        await cancel.CancelAsync();

        // The run has ended (the poll loop lives inside it, nothing is left running in the background).
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => run);
        var taskId = Assert.Single(_fake.Cancels);
        Assert.Equal(2013508786110730242L.ToString(System.Globalization.CultureInfo.InvariantCulture), taskId);
    }
}
