using System.Text;
using System.Text.Json;
using SkiaSharp;

namespace RunHub.Bench.Scenarios;

/// <summary>The seed request every submit of the benchmark sends: the documented edit, with a small PNG as a data: URI.</summary>
internal static class BenchRequests
{
    public const string Endpoint = "rhart-image-g-1.5/edit";
    public const string Prompt = "A sudden, massive explosion behind them";
    public const string AspectRatio = "1:1";

    /// <summary>A 64 x 64 gradient PNG: small enough that the request measures the platform, not the upload.</summary>
    public static byte[] Png { get; } = MakePng(64, 64);

    public static string PngDataUri { get; } = "data:image/png;base64," + Convert.ToBase64String(Png);

    public static byte[] SubmitBody { get; } = JsonSerializer.SerializeToUtf8Bytes(new
    {
        prompt = Prompt,
        imageUrls = new[] { PngDataUri },
        aspectRatio = AspectRatio,
    });

    /// <summary>The same request with its image as an https URL, as RunningHub's documented edit sends it: nothing is
    /// stored at submit (the URL is fetched when the task runs), so beside <see cref="SubmitBody"/> it shows what storing
    /// an inline input as a file costs.</summary>
    public static byte[] SubmitBodyWithUrl { get; } = JsonSerializer.SerializeToUtf8Bytes(new
    {
        prompt = Prompt,
        imageUrls = new[] { "https://example.com/bench/input.png" },
        aspectRatio = AspectRatio,
    });

    public static byte[] QueryBody(string taskId) => Encoding.UTF8.GetBytes($"{{\"taskId\":\"{taskId}\"}}");

    private static byte[] MakePng(int width, int height)
    {
        using var bitmap = new SKBitmap(new SKImageInfo(width, height, SKColorType.Rgba8888, SKAlphaType.Premul));
        for (var y = 0; y < height; y++)
            for (var x = 0; x < width; x++)
                bitmap.SetPixel(x, y, new SKColor((byte)(x * 4), (byte)(y * 4), 128));
        using var data = bitmap.Encode(SKEncodedImageFormat.Png, 100);
        return data.ToArray();
    }
}
