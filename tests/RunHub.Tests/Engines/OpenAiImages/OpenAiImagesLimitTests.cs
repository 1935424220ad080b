using RunHub.Engines;
using RunHub.Tests.Engines.OpenAiImages.Support;
using RunHub.Tests.Support;

namespace RunHub.Tests.Engines.OpenAiImages;

/// <summary>Huge answers are cut off at their limits, and cancelling stops the request on the wire.</summary>
public sealed class OpenAiImagesLimitTests : IAsyncLifetime
{
    private FakeOpenAiImages _fake = null!;

    public async Task InitializeAsync() => _fake = await FakeOpenAiImages.StartAsync();

    public async Task DisposeAsync() => await _fake.DisposeAsync();

    [Fact]
    public async Task An_answer_larger_than_the_limit_fails_with_1012_without_being_read_whole()
    {
        _fake.Script(FakeReply.Endless());
        using var engine = OpenAiJobs.Engine(_fake);

        var failure = await Assert.ThrowsAsync<EngineException>(() =>
            engine.RunAsync(OpenAiJobs.Edit(OpenAiJobs.Backend(_fake, new { maxResponseMb = 1 }), "1:1", TestImages.Png(64, 64))));

        Assert.Equal("1012", failure.ErrorCode);
        Assert.False(failure.Retryable);
        Assert.Contains("larger than 1 MB", failure.Message, StringComparison.Ordinal);
        Assert.Single(_fake.Received);
    }

    [Fact]
    public async Task An_image_link_larger_than_the_limit_fails_with_1012()
    {
        _fake.Script(FakeReply.EndlessUrl());
        using var engine = OpenAiJobs.Engine(_fake);

        var failure = await Assert.ThrowsAsync<EngineException>(() =>
            engine.RunAsync(OpenAiJobs.Edit(OpenAiJobs.Backend(_fake, new { maxImageMb = 1 }), "1:1", TestImages.Png(64, 64))));

        Assert.Equal("1012", failure.ErrorCode);
        Assert.Contains("image #0", failure.Message, StringComparison.Ordinal);
        Assert.Contains("larger than 1 MB", failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_dead_image_link_fails_with_1012()
    {
        _fake.Script(FakeReply.Data($"[{{\"url\": \"{_fake.Url}/files/gone.png\"}}]"));
        using var engine = OpenAiJobs.Engine(_fake);

        var failure = await Assert.ThrowsAsync<EngineException>(() =>
            engine.RunAsync(OpenAiJobs.Text(OpenAiJobs.Backend(_fake), "1:1")));

        Assert.Equal("1012", failure.ErrorCode);
        Assert.Contains("HTTP 404", failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Cancelling_aborts_the_request_the_backend_is_working_on()
    {
        _fake.Script(FakeReply.Hang());
        using var engine = OpenAiJobs.Engine(_fake);
        using var cancel = new CancellationTokenSource();

        var run = engine.RunAsync(OpenAiJobs.Edit(OpenAiJobs.Backend(_fake), "1:1", TestImages.Png(64, 64)), cancel.Token);
        await _fake.HangStarted.Task.WaitAsync(TimeSpan.FromSeconds(30));
        await cancel.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => run);
        await _fake.HangAborted.Task.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Single(_fake.Received);
    }
}
