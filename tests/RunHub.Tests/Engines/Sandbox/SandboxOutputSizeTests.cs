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
    [InlineData("aspectRatio", "wide")]
    [InlineData("size", "big")]
    public async Task Unreadable_size_value_fails_with_1007(string key, string value)
    {
        var job = SandboxJobs.Job("1", new Dictionary<string, object> { ["prompt"] = "a quiet harbour at dawn", [key] = value });

        var error = await Assert.ThrowsAsync<EngineException>(() => SandboxJobs.Engine().RunAsync(job, CancellationToken.None));

        Assert.Equal("1007", error.ErrorCode);
        Assert.Contains(key, error.Message, StringComparison.Ordinal);
        Assert.False(error.Retryable);
    }

    [Theory]
    [InlineData("16:9", null, 1824, 1024)]
    [InlineData("9:16", null, 1024, 1824)]
    [InlineData("4:3", null, 1368, 1024)]
    [InlineData("21:9", null, 2392, 1024)]
    [InlineData("1:1", "2k", 2048, 2048)]
    [InlineData("16:9", "1k", 1024, 576)]
    [InlineData("16:9", "4k", 4096, 2304)]
    [InlineData("3:4", "2k", 1536, 2048)]
    [InlineData("1280x720", null, 1280, 720)]
    public async Task Any_ratio_is_drawn_with_a_short_side_of_1024_or_the_resolutions_long_side(string ratio, string? resolution, int width, int height)
    {
        var parameters = new Dictionary<string, object> { ["prompt"] = "a quiet harbour at dawn", ["aspectRatio"] = ratio };
        if (resolution is not null) parameters["resolution"] = resolution;

        var png = await SandboxJobs.Engine().RunPng(SandboxJobs.Job("1", parameters));

        AssertSize(png, width, height);
    }

    [Fact]
    public async Task Width_and_height_parameters_set_the_size_exactly()
    {
        var job = SandboxJobs.Job("1", new Dictionary<string, object> { ["prompt"] = "a quiet harbour at dawn", ["width"] = 640, ["height"] = 1200 });

        AssertSize(await SandboxJobs.Engine().RunPng(job), 640, 1200);
    }

    [Theory]
    [InlineData("scale", "2x", 200, 100)]
    [InlineData("upscale", 4, 400, 200)]
    [InlineData("shortEdgeSize", 500, 1000, 500)]
    [InlineData("longEdgeSize", 300, 300, 150)]
    public async Task Upscalers_scale_the_first_input(string key, object value, int width, int height)
    {
        var job = SandboxJobs.Job("1", new Dictionary<string, object> { ["prompt"] = "a quiet harbour at dawn", [key] = value },
            TestImages.Png(100, 50, SKColors.Red));

        AssertSize(await SandboxJobs.Engine().RunPng(job), width, height);
    }

    [Fact]
    public async Task Without_a_size_parameter_the_first_inputs_size_is_kept_and_without_an_input_it_is_1024_square()
    {
        var plain = new Dictionary<string, object> { ["prompt"] = "a quiet harbour at dawn" };

        AssertSize(await SandboxJobs.Engine().RunPng(SandboxJobs.Job("1", plain, TestImages.Png(300, 200, SKColors.Red))), 300, 200);
        AssertSize(await SandboxJobs.Engine().RunPng(SandboxJobs.Job("1", plain)), 1024, 1024);
    }

    [Fact]
    public async Task A_size_above_the_sandboxs_cap_is_drawn_smaller_with_its_aspect_and_says_so()
    {
        var job = SandboxJobs.Job("1", new Dictionary<string, object> { ["prompt"] = "a quiet harbour at dawn", ["width"] = 8192, ["height"] = 4096 });

        var png = await SandboxJobs.Engine().RunPng(job);

        AssertSize(png, 5792, 2896);
        Assert.Contains("requested 8192x4096, rendered 5792x2896", PngChunks.TextEntries(png)["Comment"], StringComparison.Ordinal);
    }

    private static void AssertSize(byte[] png, int width, int height)
    {
        using var bitmap = TestImages.Decode(png);
        Assert.Equal((width, height), (bitmap.Width, bitmap.Height));
    }
}
