using Microsoft.Extensions.Options;
using RunHub.Engines;
using RunHub.Engines.Sandbox;
using RunHub.Tests.Support;
using SkiaSharp;

namespace RunHub.Tests.Engines.Sandbox;

/// <summary>
/// Issue 11, item 4: a small file of huge dimensions must not cost a worker its decoded size. JPEG and WebP are decoded at
/// the size they are drawn; what cannot be decoded smaller and passes the budget is refused with 1013.
/// (bench/'s sandbox-memory row measures the resident size of 8 workers on such files.)
/// </summary>
public sealed class SandboxDecodeBudgetTests
{
    private static SandboxEngine Engine(long maxDecodePixels) =>
        new(Options.Create(new RunHubOptions { Engines = { Sandbox = { MaxDecodePixels = maxDecodePixels } } }));

    /// <summary>Left half red, right half blue: the row decoder's averaging must keep both where they are.</summary>
    private static byte[] Halves(int width, int height)
    {
        using var bitmap = new SKBitmap(new SKImageInfo(width, height, SKColorType.Rgba8888, SKAlphaType.Opaque));
        using (var canvas = new SKCanvas(bitmap))
        {
            canvas.Clear(SKColors.Red);
            using var blue = new SKPaint { Color = SKColors.Blue };
            canvas.DrawRect(SKRect.Create(width / 2f, 0, width / 2f, height), blue);
        }
        using var data = bitmap.Encode(SKEncodedImageFormat.Png, 100);
        return data.ToArray();
    }

    [Fact]
    public async Task A_jpeg_larger_than_the_budget_is_decoded_at_the_size_it_is_drawn()
    {
        // 4000×4000 is 16 megapixels; drawn at 1024×1024 the JPEG decoder reads it at an eighth, within 1.2 megapixels.
        var input = TestImages.Jpeg(4000, 4000, SKColors.Red);

        var png = await Engine(1_200_000).RunPng(SandboxJobs.Job("a quiet harbour at dawn", "1:1", input));

        using var bitmap = TestImages.Decode(png);
        Assert.True(bitmap.GetPixel(512, 512).Red > 150, $"the centre is {bitmap.GetPixel(512, 512)}");
    }

    [Fact]
    public async Task A_png_larger_than_the_budget_is_refused_with_1013_naming_the_input_and_the_setting()
    {
        // 143 KB on the wire, 196 MB of pixels decoded whole: the hostile input.
        var job = SandboxJobs.Job("a quiet harbour at dawn", "1:1", Halves(7000, 7000));

        var error = await Assert.ThrowsAsync<EngineException>(() => Engine(SandboxDecodeBudget.DefaultMaxPixels).RunAsync(job, CancellationToken.None));

        Assert.Equal("1013", error.ErrorCode);
        Assert.Contains("imageUrls[0]: a PNG of 7000x7000", error.Message, StringComparison.Ordinal);
        Assert.Contains("MaxDecodePixels", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_input_that_would_still_pass_the_budget_at_its_drawn_size_is_refused_with_1013_naming_the_setting()
    {
        // Drawn at 1024×1024 it needs a million pixels; the budget allows a thousand.
        var job = SandboxJobs.Job("a quiet harbour at dawn", "1:1", Halves(2000, 2000));

        var error = await Assert.ThrowsAsync<EngineException>(() => Engine(1_000).RunAsync(job, CancellationToken.None));

        Assert.Equal("1013", error.ErrorCode);
        Assert.Contains("imageUrls[0]", error.Message, StringComparison.Ordinal);
        Assert.Contains("MaxDecodePixels", error.Message, StringComparison.Ordinal);
    }
}
