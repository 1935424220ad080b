using System.Diagnostics;
using System.Text.Json;
using RunHub.Bench.Load;
using RunHub.Bench.Report;
using RunHub.Bench.Servers;
using SkiaSharp;

namespace RunHub.Bench.Scenarios;

/// <summary>
/// Memory from small hostile images (issue 11, item 4): a server with <see cref="Workers"/> workers runs
/// <see cref="BenchOptions.SandboxMemoryTasksPerWorker"/> seed edits per worker whose input is a 7000×7000 PNG of about 140 KB — 196 MB of pixels
/// if it were decoded whole. The sandbox refuses to decode a PNG above its per-image budget (1013, refunded) instead of
/// holding its pixels, so the server's peak resident size (VmHWM) must stay under 1 GB with every worker on one at once.
/// </summary>
internal static class SandboxMemoryScenario
{
    public const int Workers = 8;
    public const int Side = 7000;
    private static readonly TimeSpan Limit = TimeSpan.FromMinutes(10);

    public static async Task<SandboxMemoryResult> RunAsync(BenchContext context)
    {
        var tasks = Workers * Math.Max(1, context.Options.SandboxMemoryTasksPerWorker);
        var png = HostilePng();
        var body = JsonSerializer.SerializeToUtf8Bytes(new
        {
            prompt = BenchRequests.Prompt,
            imageUrls = new[] { "data:image/png;base64," + Convert.ToBase64String(png) },
            aspectRatio = "2:3",
        });
        await using var database = await context.NewDatabaseAsync("sandbox-memory");
        var account = database.CreateAccount("bench", BenchAccount.HugeBalance);
        await using var server = await RunHubServer.StartAsync(context.Options.ResolvedRunHubDll, database.DataDir, "all", Workers, database.ServerEnvironment);
        using var client = new BenchClient(server.BaseUrl, account.ApiKey, Workers);
        var before = server.ResidentBytes();
        context.Log($"sandbox-memory: {Workers} workers, {tasks} edits of a {Side}x{Side} PNG of {png.Length / 1024} KB; {Figures.Mb(before)} MB resident before");

        var errors = new List<string>();
        var clock = Stopwatch.StartNew();
        var submitted = await Task.WhenAll(Enumerable.Range(0, tasks).Select(_ => client.SubmitAsync(body)));
        errors.AddRange(submitted.Where(s => s.TaskId is null).Select(s => "submit: " + s.Error));
        var expected = submitted.Count(s => s.TaskId is not null);
        long done;
        while ((done = await TaskTimes.CountAsync(database, "SUCCESS") + await TaskTimes.CountAsync(database, "FAILED")) < expected && clock.Elapsed < Limit)
            await Task.Delay(100);

        var result = new SandboxMemoryResult
        {
            Workers = Workers,
            Tasks = expected,
            Succeeded = await TaskTimes.CountAsync(database, "SUCCESS"),
            Ended = done,
            InputBytes = png.Length,
            InputPixels = (long)Side * Side,
            BeforeBytes = before,
            PeakBytes = server.PeakResidentBytes(),
            Seconds = clock.Elapsed.TotalSeconds,
            ErrorMessages = [.. errors, .. (done < expected ? [$"only {done} of {expected} tasks ended within {Limit.TotalMinutes} minutes"] : Array.Empty<string>())],
        };
        context.Log($"  {result.Succeeded} of {result.Tasks} succeeded in {result.Seconds:0.0} s; peak {Figures.Mb(result.PeakBytes)} MB resident");
        return result;
    }

    /// <summary>A 7000×7000 PNG that compresses to about 140 KB: a few flat bands, so the codec has little to store.</summary>
    private static byte[] HostilePng()
    {
        using var bitmap = new SKBitmap(new SKImageInfo(Side, Side, SKColorType.Rgba8888, SKAlphaType.Opaque));
        using (var canvas = new SKCanvas(bitmap))
        {
            canvas.Clear(SKColors.SteelBlue);
            using var paint = new SKPaint { Color = SKColors.OrangeRed };
            for (var band = 0; band < 7; band++) canvas.DrawRect(SKRect.Create(0, band * 1000, Side, 400), paint);
        }
        using var data = bitmap.Encode(SKEncodedImageFormat.Png, 100);
        return data.ToArray();
    }
}
