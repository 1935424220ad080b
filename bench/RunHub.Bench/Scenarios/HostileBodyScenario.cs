using System.Net;
using System.Net.Http.Headers;
using RunHub.Bench.Load;
using RunHub.Bench.Report;
using RunHub.Bench.Servers;

namespace RunHub.Bench.Scenarios;

/// <summary>
/// Issue 11's first finding as a row: 16 clients at once send 100 MB bodies with no API key (declared with
/// Content-Length, or chunked without one) to the account status call, which may carry its key in the body, and to a
/// submit. Before the body limits, the server read and parsed every such body (92 MB to 7 GB resident); now it answers
/// without reading them (or stops at the endpoint's limit), and the row shows the peak memory that costs.
/// </summary>
internal static class HostileBodyScenario
{
    public const int Clients = 16;

    private static readonly (string Name, string Path, bool Chunked)[] Loads =
    [
        ("bodies-status", "/uc/openapi/accountStatus", false),
        ("bodies-status-chunked", "/uc/openapi/accountStatus", true),
        ("bodies-submit", "/openapi/v2/rhart-image-g-1.5/edit", false),
    ];

    public static async Task<IReadOnlyList<HostileLoadResult>> RunAsync(BenchContext context)
    {
        await using var database = await context.NewDatabaseAsync("hostile");
        await using var server = await context.StartServerAsync(database, "api");
        var results = new List<HostileLoadResult>();
        var bodyBytes = context.Options.HostileBodyMb * 1024L * 1024;
        foreach (var (name, path, chunked) in Loads)
        {
            context.Log($"{name}: {Clients} clients send {context.Options.HostileBodyMb} MB bodies without a key to {path}{(chunked ? " (chunked)" : "")}");
            results.Add(await FloodAsync(server, name, path, chunked, bodyBytes));
            var r = results[^1];
            context.Log($"  {Figures.Mb(r.BeforeBytes)} MB before, peak {Figures.Mb(r.PeakBytes)} MB, {Figures.Mb(r.AfterBytes)} MB after; " +
                $"{r.Answered} answered, {r.Closed} closed, {Figures.Mb(r.BytesSent)} MB sent");
        }
        return results;
    }

    private static async Task<HostileLoadResult> FloodAsync(RunHubServer server, string name, string path, bool chunked, long bodyBytes)
    {
        using var http = new HttpClient(new SocketsHttpHandler { UseProxy = false, MaxConnectionsPerServer = Clients }) { Timeout = TimeSpan.FromSeconds(60) };
        long sent = 0;
        int answered = 0, closed = 0;
        var (before, peak, after) = await ResidentPeak.AroundAsync(server, () => Task.WhenAll(Enumerable.Range(0, Clients).Select(async _ =>
        {
            using var content = new FillerContent(bodyBytes, chunked);
            using var request = new HttpRequestMessage(HttpMethod.Post, server.BaseUrl + path) { Content = content };
            try
            {
                using var response = await http.SendAsync(request);
                await response.Content.ReadAsByteArrayAsync();
                if (response.StatusCode == HttpStatusCode.OK) Interlocked.Increment(ref answered);
            }
            catch (Exception e) when (e is HttpRequestException or IOException or TaskCanceledException)
            {
                Interlocked.Increment(ref closed);
            }
            Interlocked.Add(ref sent, content.Written);
        })));
        return new HostileLoadResult
        {
            Name = name,
            Load = $"{Clients} clients at once, {bodyBytes / 1048576} MB bodies without a key, to {path}{(chunked ? ", chunked" : "")}",
            BeforeBytes = before,
            PeakBytes = peak,
            AfterBytes = after,
            Requests = Clients,
            Answered = answered,
            Closed = closed,
            BytesSent = Interlocked.Read(ref sent),
        };
    }

    /// <summary>A JSON-looking body (<c>{"apikey": "aaaa…</c>) generated as it is sent, so the bench holds none of it.</summary>
    private sealed class FillerContent : HttpContent
    {
        private readonly long _length;
        private readonly bool _chunked;
        private long _written;

        public FillerContent(long length, bool chunked)
        {
            _length = length;
            _chunked = chunked;
            Headers.ContentType = new MediaTypeHeaderValue("application/json");
        }

        public long Written => Interlocked.Read(ref _written);

        protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context)
        {
            var chunk = new byte[64 * 1024];
            Array.Fill(chunk, (byte)'a');
            "{\"apikey\": \""u8.CopyTo(chunk);
            for (long left = _length; left > 0; left -= chunk.Length)
            {
                var size = (int)Math.Min(chunk.Length, left);
                await stream.WriteAsync(chunk.AsMemory(0, size));
                Interlocked.Add(ref _written, size);
                chunk[0] = (byte)'a';
            }
        }

        protected override bool TryComputeLength(out long length)
        {
            length = _length;
            return !_chunked;
        }
    }
}
