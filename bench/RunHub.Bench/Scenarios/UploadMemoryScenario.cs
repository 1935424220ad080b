using System.Buffers.Binary;
using System.Net;
using System.Net.Http.Headers;
using RunHub.Bench.Load;
using RunHub.Bench.Report;
using RunHub.Bench.Servers;

namespace RunHub.Bench.Scenarios;

/// <summary>
/// Issue 12's upload row: 20 clients at once upload a 30 MB file each (<c>--upload-mb</c>) (a WAV, a type RunningHub accepts) to
/// <c>POST /openapi/v2/media/upload/binary</c> of a server storing files in its local folder. A server that streams
/// uploads to disk holds a few buffers per upload; one that holds them whole would add 600 MB. The row gives the
/// resident size before, at the peak and after, and the target is under 100 MB extra at the peak.
/// </summary>
internal static class UploadMemoryScenario
{
    public const int Clients = 20;

    public static async Task<HostileLoadResult> RunAsync(BenchContext context)
    {
        await using var database = await context.NewDatabaseAsync("uploads");
        var account = database.CreateAccount("bench", BenchAccount.HugeBalance);
        await using var server = await context.StartServerAsync(database, "api");
        var fileMb = context.Options.UploadMb;
        var fileBytes = fileMb * 1024L * 1024;
        context.Log($"uploads: {Clients} clients at once upload a {fileMb} MB WAV each to local storage");
        using var http = new HttpClient(new SocketsHttpHandler { UseProxy = false, MaxConnectionsPerServer = Clients }) { Timeout = TimeSpan.FromMinutes(5) };
        long sent = 0;
        int answered = 0, closed = 0;
        var errors = new List<string>();
        var (before, peak, after) = await ResidentPeak.AroundAsync(server, () => Task.WhenAll(Enumerable.Range(0, Clients).Select(async _ =>
        {
            var file = new WavContent(fileBytes);
            using var form = new MultipartFormDataContent { { file, "file", "bench.wav" } };
            using var request = new HttpRequestMessage(HttpMethod.Post, server.BaseUrl + "/openapi/v2/media/upload/binary") { Content = form };
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", account.ApiKey);
            try
            {
                using var response = await http.SendAsync(request);
                var answer = await response.Content.ReadAsStringAsync();
                if (response.StatusCode == HttpStatusCode.OK && answer.Contains("\"code\":0", StringComparison.Ordinal)) Interlocked.Increment(ref answered);
                else lock (errors) errors.Add(answer.Length > 200 ? answer[..200] : answer);
            }
            catch (Exception e) when (e is HttpRequestException or IOException or TaskCanceledException)
            {
                Interlocked.Increment(ref closed);
                lock (errors) errors.Add(e.Message);
            }
            Interlocked.Add(ref sent, file.Written);
        })));
        if (errors.Count > 0) context.Log($"  upload errors: {string.Join(" | ", errors.Distinct().Take(3))}");
        var result = new HostileLoadResult
        {
            Name = "uploads",
            Load = $"{Clients} clients at once, a {fileMb} MB WAV each, with a key, to the upload endpoint (local storage)",
            BeforeBytes = before,
            PeakBytes = peak,
            AfterBytes = after,
            Requests = Clients,
            Answered = answered,
            Closed = closed,
            BytesSent = Interlocked.Read(ref sent),
        };
        context.Log($"  {Figures.Mb(before)} MB before, peak {Figures.Mb(peak)} MB, {Figures.Mb(after)} MB after; {answered} stored, {closed} closed");
        return result;
    }

    /// <summary>A 16-bit mono 48 kHz WAV of <c>length</c> bytes in all, its samples generated as they are sent.</summary>
    private sealed class WavContent(long length) : HttpContent
    {
        private long _written;

        public long Written => Interlocked.Read(ref _written);

        protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context)
        {
            var chunk = new byte[64 * 1024];
            var header = Header(length);
            header.CopyTo(chunk, 0);
            var offset = header.Length;
            var random = new Random(12);
            for (long left = length; left > 0;)
            {
                random.NextBytes(chunk.AsSpan(offset));
                var size = (int)Math.Min(chunk.Length, left);
                await stream.WriteAsync(chunk.AsMemory(0, size));
                Interlocked.Add(ref _written, size);
                left -= size;
                offset = 0;
            }
        }

        protected override bool TryComputeLength(out long computed)
        {
            computed = length;
            return true;
        }

        private static byte[] Header(long total)
        {
            var header = new byte[44];
            var span = header.AsSpan();
            "RIFF"u8.CopyTo(span);
            BinaryPrimitives.WriteUInt32LittleEndian(span[4..], (uint)(total - 8));
            "WAVEfmt "u8.CopyTo(span[8..]);
            BinaryPrimitives.WriteUInt32LittleEndian(span[16..], 16);
            BinaryPrimitives.WriteUInt16LittleEndian(span[20..], 1);
            BinaryPrimitives.WriteUInt16LittleEndian(span[22..], 1);
            BinaryPrimitives.WriteUInt32LittleEndian(span[24..], 48_000);
            BinaryPrimitives.WriteUInt32LittleEndian(span[28..], 96_000);
            BinaryPrimitives.WriteUInt16LittleEndian(span[32..], 2);
            BinaryPrimitives.WriteUInt16LittleEndian(span[34..], 16);
            "data"u8.CopyTo(span[36..]);
            BinaryPrimitives.WriteUInt32LittleEndian(span[40..], (uint)(total - 44));
            return header;
        }
    }
}
