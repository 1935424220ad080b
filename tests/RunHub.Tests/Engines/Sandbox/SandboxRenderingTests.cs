using SkiaSharp;

using RunHub.Tests.Support;

namespace RunHub.Tests.Engines.Sandbox;

public sealed class SandboxRenderingTests
{
    private const string Prompt = "A sudden, massive explosion of colour over a quiet harbour";

    [Fact]
    public async Task Same_parameters_and_inputs_give_byte_identical_png()
    {
        var input = TestImages.Jpeg(640, 480, SKColors.Orange);

        var first = await SandboxJobs.Engine().RunPng(SandboxJobs.Job(Prompt, "auto", input));
        var second = await SandboxJobs.Engine().RunPng(SandboxJobs.Job(Prompt, "auto", input));

        Assert.Equal(first, second);
    }

    [Fact]
    public async Task Text_to_image_is_byte_identical_across_runs()
    {
        var first = await SandboxJobs.Engine().RunPng(SandboxJobs.Job(Prompt, "3:2"));
        var second = await SandboxJobs.Engine().RunPng(SandboxJobs.Job(Prompt, "3:2"));

        Assert.Equal(first, second);
    }

    [Fact]
    public async Task Output_does_not_depend_on_the_task_id()
    {
        var parameters = new Dictionary<string, object> { ["prompt"] = Prompt, ["aspectRatio"] = "1:1" };

        var first = await SandboxJobs.Engine().RunPng(SandboxJobs.Job("1000000000000000001", parameters));
        var second = await SandboxJobs.Engine().RunPng(SandboxJobs.Job("1000000000000000002", parameters));

        Assert.Equal(first, second);
    }

    [Fact]
    public async Task Different_prompt_gives_different_png()
    {
        var input = TestImages.Png(200, 200, SKColors.Orange);

        var first = await SandboxJobs.Engine().RunPng(SandboxJobs.Job(Prompt, "1:1", input));
        var second = await SandboxJobs.Engine().RunPng(SandboxJobs.Job(Prompt + "!", "1:1", input));

        Assert.NotEqual(first, second);
    }

    [Fact]
    public async Task Different_input_gives_different_png()
    {
        var first = await SandboxJobs.Engine().RunPng(SandboxJobs.Job(Prompt, "1:1", TestImages.Png(200, 200, SKColors.Red)));
        var second = await SandboxJobs.Engine().RunPng(SandboxJobs.Job(Prompt, "1:1", TestImages.Png(200, 200, SKColors.Blue)));

        Assert.NotEqual(first, second);
    }

    [Fact]
    public async Task Single_input_fills_the_centre_and_the_gradient_shows_in_the_margins()
    {
        // 300x200 in a 1024 square: contained, it spans 1024x683 with about 170 px of gradient above and below.
        var png = await SandboxJobs.Engine().RunPng(SandboxJobs.Job(Prompt, "1:1", TestImages.Png(300, 200, SKColors.Red)));

        using var bitmap = TestImages.Decode(png);
        AssertRedDominant(bitmap.GetPixel(512, 512));
        AssertRedDominant(bitmap.GetPixel(5, 512));
        AssertRedDominant(bitmap.GetPixel(1018, 512));
        Assert.NotEqual(bitmap.GetPixel(512, 512), bitmap.GetPixel(512, 40));
        Assert.NotEqual(bitmap.GetPixel(512, 512), bitmap.GetPixel(512, 984));
    }

    [Fact]
    public async Task Large_jpeg_input_is_decoded_smaller_and_still_fills_the_canvas()
    {
        var big = TestImages.Jpeg(4000, 3000, SKColors.Red);

        var png = await SandboxJobs.Engine().RunPng(SandboxJobs.Job(Prompt, "auto", big));

        using var bitmap = TestImages.Decode(png);
        Assert.Equal((1536, 1024), (bitmap.Width, bitmap.Height));
        AssertRedDominant(bitmap.GetPixel(768, 512));
        AssertRedDominant(bitmap.GetPixel(200, 512));
    }

    [Fact]
    public async Task Two_inputs_are_laid_side_by_side_in_order()
    {
        var red = TestImages.Png(400, 400, SKColors.Red);
        var blue = TestImages.Png(400, 400, SKColors.Blue);

        var png = await SandboxJobs.Engine().RunPng(SandboxJobs.Job(Prompt, "3:2", red, blue));

        using var bitmap = TestImages.Decode(png);
        AssertRedDominant(bitmap.GetPixel(384, 512));
        AssertBlueDominant(bitmap.GetPixel(1152, 512));
    }

    [Fact]
    public async Task Exif_rotated_input_is_drawn_upright()
    {
        // Stored 320x160 with the left half red and the right half blue, tagged orientation 6 (rotate 90° clockwise):
        // upright, red is on top and blue below.
        var jpeg = TestImages.JpegWithOrientation(320, 160, SKColors.Red, orientation: 6, rightHalf: SKColors.Blue);

        var png = await SandboxJobs.Engine().RunPng(SandboxJobs.Job(Prompt, "2:3", jpeg));

        using var bitmap = TestImages.Decode(png);
        AssertRedDominant(bitmap.GetPixel(512, 400));
        AssertBlueDominant(bitmap.GetPixel(512, 1136));
    }

    [Fact]
    public async Task Text_to_image_draws_a_pattern_not_a_plain_gradient()
    {
        var png = await SandboxJobs.Engine().RunPng(SandboxJobs.Job(Prompt, "1:1"));

        using var bitmap = TestImages.Decode(png);
        var colours = new HashSet<SKColor>();
        for (var y = 16; y < 1024; y += 32)
            for (var x = 16; x < 1024; x += 32)
                colours.Add(bitmap.GetPixel(x, y));
        Assert.True(colours.Count > 100, $"only {colours.Count} distinct colours on a 32x32 grid");
    }

    // The grade keeps saturation >= 0.75 and contrast >= 0.85 with a tint of a few percent, so a pure primary
    // stays far above the other two channels.
    private static void AssertRedDominant(SKColor c) =>
        Assert.True(c.Red > 150 && c.Red - Math.Max(c.Green, c.Blue) > 100, $"expected red, got {c}");

    private static void AssertBlueDominant(SKColor c) =>
        Assert.True(c.Blue > 150 && c.Blue - Math.Max(c.Red, c.Green) > 100, $"expected blue, got {c}");
}
