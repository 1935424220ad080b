using Microsoft.Extensions.Time.Testing;
using RunHub.Media;
using RunHub.Tests.Media.Support;
using RunHub.Tests.Support;

namespace RunHub.Tests.Media;

/// <summary>
/// Slow inputs (issue 11 item 5): a server that trickles its answer is cut off after one window of the minimum
/// transfer rate, not after the whole fetch timeout, and a task's inputs share one deadline. Time is a
/// FakeTimeProvider moved by the test; the servers are real sockets.
/// </summary>
public sealed class SlowInputTests : IDisposable
{
    private readonly Fetchers _fetchers = new();
    private readonly FakeTimeProvider _time = new();

    public void Dispose() => _fetchers.Dispose();

    private InputFetcher Fetcher(Action<RunHub.MediaOptions>? configure = null) => _fetchers.Create(media =>
    {
        media.AllowPrivateNetworks = true;
        media.FetchTimeoutSeconds = 30;
        media.MinBytesPerSecond = 16 * 1024;
        media.RateWindowSeconds = 10;
        configure?.Invoke(media);
    }, time: _time);

    [Fact]
    public async Task An_input_sending_one_byte_a_second_is_cut_off_after_one_window_with_its_cost()
    {
        await using var server = RawHttpServer.Start(async (stream, ct) =>
        {
            await RawHttpServer.WriteAsync(stream, "HTTP/1.1 200 OK\r\nContent-Type: image/png\r\nContent-Length: 100000\r\n\r\n", ct);
            await stream.WriteAsync(TestMedia.PngSignature.AsMemory(0, 1), ct);
            await RawHttpServer.WaitForCloseAsync(stream, ct);
        });
        var meter = new TransferMeter();
        var fetch = Fetcher().FetchAllAsync([(TestMedia.Reference(server.Url("/slow.png")), TestMedia.ImageSpec())], default, meter);

        await UntilAsync(() => meter.Bytes >= 1 || fetch.IsCompleted, "the first byte never arrived");
        _time.Advance(TimeSpan.FromSeconds(10));

        var rejected = await Assert.ThrowsAsync<InputRejectedException>(() => fetch.WaitAsync(TimeSpan.FromSeconds(20)));
        Assert.Equal("imageUrls[0]: only 1 bytes arrived in 10 s, below the minimum of 16,384 bytes/s; slow transfers are cut off", rejected.Message);
        Assert.Equal(new FetchCost(10_000, 1), rejected.Cost);
    }

    [Fact]
    public async Task A_server_that_never_starts_answering_is_cut_off_after_one_window()
    {
        var asked = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var server = RawHttpServer.Start(async (stream, ct) =>
        {
            asked.TrySetResult();
            await RawHttpServer.WaitForCloseAsync(stream, ct);
        });
        var fetch = Fetcher().FetchAsync(TestMedia.Reference(server.Url("/never.png")), TestMedia.ImageSpec(), default);

        await asked.Task.WaitAsync(TimeSpan.FromSeconds(20));
        _time.Advance(TimeSpan.FromSeconds(10));

        Assert.Equal("imageUrls[0]: the server did not start answering within 10 s", await fetch.RejectedAsync());
    }

    [Fact]
    public async Task A_tasks_inputs_share_one_deadline_even_without_a_minimum_rate()
    {
        var asked = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var server = RawHttpServer.Start(async (stream, ct) =>
        {
            asked.TrySetResult();
            await RawHttpServer.WaitForCloseAsync(stream, ct);
        });
        var fetcher = Fetcher(media =>
        {
            media.MinBytesPerSecond = 0;
            media.FetchTimeoutSeconds = 100;
            media.TaskFetchSeconds = 5;
        });
        var spec = TestMedia.ImageSpec();
        var fetch = fetcher.FetchAllAsync([(TestMedia.Reference(server.Url("/a.png"), 0), spec), (TestMedia.Reference(server.Url("/b.png"), 1), spec)], default);

        await asked.Task.WaitAsync(TimeSpan.FromSeconds(20));
        _time.Advance(TimeSpan.FromSeconds(5));

        var rejected = await Assert.ThrowsAsync<InputRejectedException>(() => fetch.WaitAsync(TimeSpan.FromSeconds(20)));
        Assert.Equal("the task's inputs were not all fetched within 5 s (0 of 2 done)", rejected.Message);
        Assert.Equal(5_000, rejected.Cost!.Milliseconds);
    }

    [Fact]
    public async Task A_transfer_at_the_minimum_rate_or_faster_is_not_cut()
    {
        var png = TestImages.Png(64, 64);
        await using var server = await LoopbackServer.ServingAsync(png, "image/png");

        var input = await Fetcher().FetchAsync(TestMedia.Reference(server.Url("/fast.png")), TestMedia.ImageSpec(), default).Within();

        Assert.Equal(png, input.Data);
    }

    private static async Task UntilAsync(Func<bool> condition, string failure)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(20);
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, failure);
            await Task.Yield();
            await Task.Delay(5);
        }
    }
}
