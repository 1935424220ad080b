using System.Text;
using System.Text.Json;
using RunHub.Bench.Load;
using RunHub.Tests.Media.Support;
using RunHub.Tests.Support;

namespace RunHub.Tests.Bench;

/// <summary>
/// The open loop's raw HTTP/1.1 client (docs/performance.md, "A cheaper load generator"): it must read real answers
/// right, keep its connections, and count every answer that is not a success — a non-200, a dropped connection — as an
/// error, so that a cheaper generator hides nothing.
/// </summary>
public sealed class RawHttpClientTests
{
    [Fact]
    public async Task The_raw_client_reads_the_real_servers_query_answers_and_reuses_its_connections()
    {
        await using var server = await TestServer.StartAsync();
        var caller = await server.NewCallerAsync();
        var submitted = await caller.SubmitAsync("rhart-image-g-1.5/text-to-image", new { prompt = "a quiet harbour", aspectRatio = "1:1" });
        var taskId = (string)submitted["taskId"]!;
        using var raw = new RawHttpClient(server.BaseUrl, connections: 2);
        var query = raw.Post("/openapi/v2/query", caller.ApiKey, JsonSerializer.SerializeToUtf8Bytes(new { taskId }));

        for (var i = 0; i < 20; i++)
        {
            var one = await raw.SendAsync(query, BenchClient.NoErrorField, "query");
            Assert.True(one.Ok, one.Error);
        }
        Assert.Equal(1, raw.ConnectionsOpened);

        // Ten at once over two connections: the rest wait for a free one, none opens a third.
        var together = await Task.WhenAll(Enumerable.Range(0, 10).Select(_ => raw.SendAsync(query, BenchClient.NoErrorField, "query")));
        Assert.All(together, r => Assert.True(r.Ok, r.Error));
        Assert.InRange(raw.ConnectionsOpened, 1, 2);

        // A 200 without the expected empty error code (an unknown task) and a 404 are errors that say what came back.
        var unknown = await raw.SendAsync(raw.Post("/openapi/v2/query", caller.ApiKey, """{"taskId":"1234567890"}"""u8),
            BenchClient.NoErrorField, "query");
        Assert.False(unknown.Ok);
        Assert.Contains("\"errorCode\":\"", unknown.Error);
        var missing = await raw.SendAsync(raw.Post("/no-such-route", caller.ApiKey, "{}"u8), BenchClient.NoErrorField, "query");
        Assert.False(missing.Ok);
        Assert.StartsWith("query: HTTP 404", missing.Error);
        Assert.InRange(raw.ConnectionsOpened, 1, 2);

        // In the open loop a non-200 answer is an error, not a latency.
        var notFound = raw.Post("/no-such-route", caller.ApiKey, "{}"u8);
        var samples = await OpenLoop.RunAsync(1000, TimeSpan.Zero, TimeSpan.FromMilliseconds(20), 1000,
            () => raw.SendAsync(notFound, BenchClient.NoErrorField, "query"));
        Assert.Equal(0, samples.FromDue.Count);
        Assert.Equal(20, samples.FromDue.Errors);
        Assert.Contains(samples.FromDue.ErrorMessages, m => m.StartsWith("query: HTTP 404", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_chunked_answer_is_joined_and_a_connection_the_server_drops_is_an_error_and_then_replaced()
    {
        var body = "{\"errorCode\":\"\",\"status\":\"QUEUED\"}"u8.ToArray();
        // Each connection: one request answered in two chunks, then the next one's connection closed unanswered.
        await using var server = RawHttpServer.Start(async (stream, ct) =>
        {
            await ReadExactlyAsync(stream, body.Length, ct);
            await RawHttpServer.WriteAsync(stream,
                "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n" +
                "10\r\n" + Encoding.ASCII.GetString(body, 0, 16) + "\r\n" +
                $"{body.Length - 16:x};ext=1\r\n" + Encoding.ASCII.GetString(body, 16, body.Length - 16) + "\r\n0\r\n\r\n", ct);
            // The whole next request is read before closing: unread bytes would turn the close into a reset.
            await ReadRequestAsync(stream, body.Length, ct);
        });
        using var raw = new RawHttpClient(server.Url(), connections: 1);
        var request = raw.Post("/openapi/v2/query", "key", body);
        var queued = "\"status\":\"QUEUED\"}"u8.ToArray();

        var first = await raw.SendAsync(request, queued, "query");
        Assert.True(first.Ok, first.Error);
        var dropped = await Assert.ThrowsAsync<IOException>(() => raw.SendAsync(request, queued, "query"));
        Assert.Contains("closed the connection without answering", dropped.Message);
        var again = await raw.SendAsync(request, queued, "query");
        Assert.True(again.Ok, again.Error);
        Assert.Equal(2, raw.ConnectionsOpened);
        Assert.Equal(2, server.Connections);

        // The open loop counts the dropped ones as errors: every connection answers one request and drops the next.
        var samples = await OpenLoop.RunAsync(1000, TimeSpan.Zero, TimeSpan.FromMilliseconds(20), 1000,
            () => raw.SendAsync(request, queued, "query"));
        Assert.Equal(20, samples.FromDue.Count + samples.FromDue.Errors);
        Assert.InRange(samples.FromDue.Errors, 9, 11);
        Assert.Contains(samples.FromDue.ErrorMessages, m => m.Contains("closed the connection without answering", StringComparison.Ordinal));
    }

    private static async Task ReadExactlyAsync(Stream stream, int count, CancellationToken cancellationToken) =>
        await stream.ReadExactlyAsync(new byte[count], cancellationToken);

    /// <summary>One whole request: its headers up to the empty line, then a body of <paramref name="bodyLength"/> bytes.</summary>
    private static async Task ReadRequestAsync(Stream stream, int bodyLength, CancellationToken cancellationToken)
    {
        var one = new byte[1];
        var last4 = 0u;
        while (last4 != 0x0D0A0D0Au)
        {
            await stream.ReadExactlyAsync(one, cancellationToken);
            last4 = (last4 << 8) | one[0];
        }
        await ReadExactlyAsync(stream, bodyLength, cancellationToken);
    }
}
