using RunHub.Engines;
using SkiaSharp;

using RunHub.Tests.Support;

namespace RunHub.Tests.Engines.Sandbox;

public sealed class SandboxOutputSizeTests
{
    private static readonly byte[] SmallSquare = TestImages.Png(64, 64, SKColors.Red);

    [Theory]
    [InlineData("1:1", 1024, 1024)]
    [InlineData("3:2", 1536, 1024)]
    [InlineData("2:3", 1024, 1536)]
    public async Task Aspect_ratio_sets_the_output_size(string aspectRatio, int width, int height)
    {
        var png = await SandboxJobs.Engine().RunPng(SandboxJobs.Job("a quiet harbour at dawn", aspectRatio, SmallSquare));

        AssertSize(png, width, height);
    }

    [Theory]
    [InlineData(1600, 900, 1536, 1024)]
    [InlineData(900, 1600, 1024, 1536)]
    [InlineData(800, 800, 1024, 1024)]
    [InlineData(1100, 1000, 1024, 1024)]
    public async Task Auto_picks_the_size_closest_to_the_first_inputs_aspect(int inputWidth, int inputHeight, int width, int height)
    {
        var input = TestImages.Jpeg(inputWidth, inputHeight, SKColors.Blue);

        var png = await SandboxJobs.Engine().RunPng(SandboxJobs.Job("a quiet harbour at dawn", "auto", input));

        AssertSize(png, width, height);
    }

    [Fact]
    public async Task Auto_follows_the_first_input_not_the_second()
    {
        var wide = TestImages.Png(300, 150, SKColors.Red);
        var tall = TestImages.Png(150, 300, SKColors.Blue);

        var png = await SandboxJobs.Engine().RunPng(SandboxJobs.Job("a quiet harbour at dawn", "auto", tall, wide));

        AssertSize(png, 1024, 1536);
    }

    [Fact]
    public async Task Auto_without_an_input_image_is_square()
    {
        var png = await SandboxJobs.Engine().RunPng(SandboxJobs.Job("a quiet harbour at dawn", "auto"));

        AssertSize(png, 1024, 1024);
    }

    [Fact]
    public async Task Auto_uses_the_upright_size_of_an_exif_rotated_jpeg()
    {
        // Stored landscape, tagged "rotate 90° clockwise" (orientation 6): it is seen as portrait.
        var rotated = TestImages.JpegWithOrientation(320, 160, SKColors.Red, orientation: 6);

        var png = await SandboxJobs.Engine().RunPng(SandboxJobs.Job("a quiet harbour at dawn", "auto", rotated));

        AssertSize(png, 1024, 1536);
    }

    [Theory]
    [InlineData("1024*1536", 1024, 1536)]
    [InlineData("1536*1024", 1536, 1024)]
    [InlineData("960x960", 960, 960)]
    public async Task Size_parameter_sets_the_output_size(string size, int width, int height)
    {
        var job = SandboxJobs.Job("1", new Dictionary<string, object> { ["prompt"] = "a quiet harbour at dawn", ["size"] = size });

        var png = await SandboxJobs.Engine().RunPng(job);

        AssertSize(png, width, height);
    }

    [Theory]
    [InlineData("aspectRatio", "16:9")]
    [InlineData("aspectRatio", "")]
    [InlineData("size", "big")]
    [InlineData("size", "100000*100000")]
    public async Task Unknown_size_value_fails_with_1007(string key, string value)
    {
        var job = SandboxJobs.Job("1", new Dictionary<string, object> { ["prompt"] = "a quiet harbour at dawn", [key] = value });

        var error = await Assert.ThrowsAsync<EngineException>(() => SandboxJobs.Engine().RunAsync(job, CancellationToken.None));

        Assert.Equal("1007", error.ErrorCode);
        Assert.False(error.Retryable);
    }

    [Fact]
    public async Task Missing_size_and_aspect_ratio_fails_with_1007_naming_both()
    {
        var job = SandboxJobs.Job("1", new Dictionary<string, object> { ["prompt"] = "a quiet harbour at dawn" });

        var error = await Assert.ThrowsAsync<EngineException>(() => SandboxJobs.Engine().RunAsync(job, CancellationToken.None));

        Assert.Equal("1007", error.ErrorCode);
        Assert.Contains("aspectRatio", error.Message, StringComparison.Ordinal);
        Assert.Contains("size", error.Message, StringComparison.Ordinal);
    }

    private static void AssertSize(byte[] png, int width, int height)
    {
        using var bitmap = TestImages.Decode(png);
        Assert.Equal((width, height), (bitmap.Width, bitmap.Height));
    }
}
