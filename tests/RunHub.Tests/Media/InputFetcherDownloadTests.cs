using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using RunHub.Tests.Media.Support;

using RunHub.Tests.Support;

namespace RunHub.Tests.Media;

/// <summary>Downloads from real servers on loopback, with private networks allowed so the servers can be reached.</summary>
public class InputFetcherDownloadTests : IDisposable
{
    private const int MiB = 1024 * 1024;
    private readonly Fetchers _fetchers = new();

    [Fact]
    public async Task An_allowed_download_returns_the_bytes_format_and_size_of_the_image()
    {
        var png = TestImages.Png(64, 48);
        // The declared type is wrong on purpose: the bytes decide.
        await using var server = await LoopbackServer.ServingAsync(png, "text/html");

        var input = await _fetchers.AllowingPrivateNetworks().FetchAsync(TestMedia.Reference(server.Url("/a.png"), 1), TestMedia.ImageSpec(), default).Within();

        Assert.Equal(("imageUrls", 1, server.Url("/a.png")), (input.FieldKey, input.Index, input.SourceUrl));
        Assert.Equal(png, input.Data);
        Assert.Equal(("PNG", "image/png", 64, 48), (input.Format, input.ContentType, input.Width, input.Height));
    }

    [Fact]
    public async Task A_non_success_status_is_refused_with_its_code()
    {
        await using var server = await LoopbackServer.StartAsync(context =>
        {
            context.Response.StatusCode = 404;
            return Task.CompletedTask;
        });

        var message = await _fetchers.AllowingPrivateNetworks().FetchAsync(TestMedia.Reference(server.Url("/missing.png")), TestMedia.ImageSpec(), default).RejectedAsync();

        Assert.Equal("imageUrls[0]: the server answered HTTP 404", message);
    }

    [Fact]
    public async Task A_closed_port_is_refused_as_connection_refused()
    {
        var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        var port = ((IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();

        var message = await _fetchers.AllowingPrivateNetworks().FetchAsync(TestMedia.Reference($"http://127.0.0.1:{port}/a.png"), TestMedia.ImageSpec(), default).RejectedAsync();

        Assert.Equal($"imageUrls[0]: connection refused by 127.0.0.1:{port}", message);
    }

    [Fact]
    public async Task A_body_over_the_limit_without_content_length_is_refused_before_it_is_all_sent()
    {
        var sentAll = false;
        var handlerDone = new TaskCompletionSource();
        await using var server = await LoopbackServer.StartAsync(async context =>
        {
            try
            {
                var chunk = new byte[64 * 1024];
                for (var sent = 0; sent < 10 * MiB + MiB / 2; sent += chunk.Length) await context.Response.Body.WriteAsync(chunk, context.RequestAborted);
                // The last half megabyte waits: a fetcher that insists on the whole body would wait with it.
                await Task.Delay(TimeSpan.FromSeconds(15), context.RequestAborted);
                await context.Response.Body.WriteAsync(new byte[MiB / 2], context.RequestAborted);
                sentAll = true;
            }
            catch (OperationCanceledException)
            {
            }
            finally
            {
                handlerDone.SetResult();
            }
        });

        var message = await _fetchers.AllowingPrivateNetworks().FetchAsync(TestMedia.Reference(server.Url("/big.png")), TestMedia.ImageSpec(), default).RejectedAsync();

        Assert.Equal("imageUrls[0]: file is larger than 10 MB", message);
        await handlerDone.Task.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.False(sentAll);
    }

    [Fact]
    public async Task A_declared_length_over_the_limit_is_refused_without_reading_the_body()
    {
        await using var server = RawHttpServer.Start(async (stream, ct) =>
        {
            await RawHttpServer.WriteAsync(stream, $"HTTP/1.1 200 OK\r\nContent-Type: image/png\r\nContent-Length: {20 * MiB}\r\n\r\n", ct);
            await stream.WriteAsync(TestImages.Png(4, 4), ct);
            await RawHttpServer.WaitForCloseAsync(stream, ct);
        });
        var fetcher = _fetchers.Create(media =>
        {
            media.AllowPrivateNetworks = true;
            media.FetchTimeoutSeconds = 15;
        });

        var message = await fetcher.FetchAsync(TestMedia.Reference(server.Url("/a.png")), TestMedia.ImageSpec(), default).RejectedAsync();

        Assert.Equal("imageUrls[0]: file is larger than 10 MB", message);
    }

    [Fact]
    public async Task Bytes_past_a_small_declared_length_are_never_read()
    {
        var png = TestImages.Png(16, 16);
        await using var server = RawHttpServer.Start(async (stream, ct) =>
        {
            await RawHttpServer.WriteAsync(stream, $"HTTP/1.1 200 OK\r\nContent-Length: {png.Length}\r\n\r\n", ct);
            await stream.WriteAsync(png, ct);
            var junk = new byte[64 * 1024];
            for (var sent = 0; sent < 11 * MiB; sent += junk.Length) await stream.WriteAsync(junk, ct);
        });

        var input = await _fetchers.AllowingPrivateNetworks().FetchAsync(TestMedia.Reference(server.Url("/a.png")), TestMedia.ImageSpec(), default).Within();

        Assert.Equal(png, input.Data);
    }

    [Fact]
    public async Task A_body_cut_short_of_its_declared_length_is_refused()
    {
        await using var server = RawHttpServer.Start(async (stream, ct) =>
        {
            await RawHttpServer.WriteAsync(stream, "HTTP/1.1 200 OK\r\nContent-Length: 5000\r\n\r\n", ct);
            await stream.WriteAsync(TestImages.Png(4, 4), ct);
        });

        var message = await _fetchers.AllowingPrivateNetworks().FetchAsync(TestMedia.Reference(server.Url("/a.png")), TestMedia.ImageSpec(), default).RejectedAsync();

        Assert.Equal("imageUrls[0]: the connection broke before the whole file arrived", message);
    }

    [Fact]
    public async Task A_server_that_never_answers_is_refused_when_the_fetch_times_out()
    {
        await using var server = await LoopbackServer.StartAsync(context => Task.Delay(Timeout.Infinite, context.RequestAborted));
        var fetcher = _fetchers.Create(media =>
        {
            media.AllowPrivateNetworks = true;
            media.FetchTimeoutSeconds = 1;
        });
        var clock = Stopwatch.StartNew();

        var message = await fetcher.FetchAsync(TestMedia.Reference(server.Url("/slow.png")), TestMedia.ImageSpec(), default).RejectedAsync();

        Assert.Equal("imageUrls[0]: timed out after 1 s", message);
        Assert.InRange(clock.Elapsed, TimeSpan.FromSeconds(0.9), TimeSpan.FromSeconds(10));
        Assert.Equal(1, server.Requests);
    }

    [Fact]
    public async Task Cancelling_the_caller_token_cancels_rather_than_rejects()
    {
        await using var server = await LoopbackServer.StartAsync(context => Task.Delay(Timeout.Infinite, context.RequestAborted));
        using var cancel = new CancellationTokenSource(TimeSpan.FromMilliseconds(200));

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() =>
            _fetchers.AllowingPrivateNetworks().FetchAsync(TestMedia.Reference(server.Url("/slow.png")), TestMedia.ImageSpec(), cancel.Token).Within());
    }

    public void Dispose() => _fetchers.Dispose();
}
