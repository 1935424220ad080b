using RunHub.Catalog;
using RunHub.Media;
using RunHub.Tests.Media.Support;

using RunHub.Tests.Support;

namespace RunHub.Tests.Media;

/// <summary>What comes back must be what the parameter accepts; inputs arrive as data: URLs so no network is involved.</summary>
public class InputFetcherFormatTests : IDisposable
{
    private readonly Fetchers _fetchers = new();

    private Task<MediaInput> FetchAsync(byte[] data, ParameterSpec spec, Action<RunHub.MediaOptions>? configure = null) =>
        _fetchers.Create(configure).FetchAsync(TestMedia.Reference(TestImages.DataUri(data), 0, spec.FieldKey), spec, default).Within();

    private async Task<string> RejectedAsync(byte[] data, ParameterSpec spec, Action<RunHub.MediaOptions>? configure = null) =>
        (await Assert.ThrowsAsync<InputRejectedException>(() => FetchAsync(data, spec, configure))).Message;

    [Fact]
    public async Task Webp_is_refused_for_a_jpg_png_field()
    {
        Assert.Equal("imageUrls[0]: WEBP is not an accepted format (JPG, PNG)", await RejectedAsync(TestImages.Webp(8, 8), TestMedia.ImageSpec()));
    }

    [Fact]
    public async Task Gif_is_refused_for_a_jpg_png_field()
    {
        Assert.Equal("imageUrls[0]: GIF is not an accepted format (JPG, PNG)", await RejectedAsync(TestMedia.Gif, TestMedia.ImageSpec()));
    }

    [Theory]
    [InlineData("JPG")]
    [InlineData("JPEG")]
    [InlineData("jpeg")]
    public async Task Jpeg_is_accepted_under_either_spelling(string accepted)
    {
        var input = await FetchAsync(TestImages.Jpeg(10, 6), TestMedia.ImageSpec(10, accepted, "PNG"));

        Assert.Equal(("JPG", "image/jpeg", 10, 6), (input.Format, input.ContentType, input.Width, input.Height));
    }

    [Fact]
    public async Task An_image_over_the_pixel_budget_is_refused_from_its_header()
    {
        var message = await RejectedAsync(TestMedia.PngHeaderClaiming(30000, 30000), TestMedia.ImageSpec());

        Assert.Equal("imageUrls[0]: image is 30000×30000 (900,000,000 pixels), more than the 50,000,000 allowed", message);
    }

    [Fact]
    public async Task The_pixel_budget_comes_from_the_options()
    {
        var message = await RejectedAsync(TestImages.Png(100, 100), TestMedia.ImageSpec(), media => media.MaxImagePixels = 9_999);

        Assert.Contains("10,000 pixels", message, StringComparison.Ordinal);
        Assert.Equal(100, (await FetchAsync(TestImages.Png(100, 100), TestMedia.ImageSpec(), media => media.MaxImagePixels = 10_000)).Width);
    }

    [Fact]
    public async Task An_image_cut_off_inside_its_header_is_not_readable()
    {
        Assert.Equal("imageUrls[0]: not a readable image", await RejectedAsync(TestImages.Png(50, 50)[..30], TestMedia.ImageSpec()));
    }

    [Fact]
    public async Task Garbage_is_not_a_readable_image()
    {
        var garbage = new byte[4096];
        new Random(7).NextBytes(garbage);
        garbage[0] = (byte)'<';

        Assert.Equal("imageUrls[0]: not a readable image", await RejectedAsync(garbage, TestMedia.ImageSpec()));
    }

    [Fact]
    public async Task Audio_is_refused_for_an_image_field_that_lists_no_formats()
    {
        var spec = TestMedia.Spec(ParameterType.Image) with { FieldKey = "imageUrls" };

        Assert.Equal("imageUrls[0]: MP3 is not an image format", await RejectedAsync(TestMedia.Mp3, spec));
    }

    [Fact]
    public async Task A_video_is_accepted_in_its_container_format_without_dimensions()
    {
        var spec = TestMedia.Spec(ParameterType.Video, "MP4", "MOV");

        var input = await FetchAsync(TestMedia.IsoMedia("mp42"), spec);

        Assert.Equal(("videoUrl", "MP4", "video/mp4", (int?)null), (input.FieldKey, input.Format, input.ContentType, input.Width));
    }

    [Fact]
    public async Task A_quicktime_movie_is_refused_for_an_mp4_only_field()
    {
        Assert.Equal("videoUrl[0]: MOV is not an accepted format (MP4)", await RejectedAsync(TestMedia.IsoMedia("qt  "), TestMedia.Spec(ParameterType.Video, "MP4")));
    }

    [Fact]
    public async Task Audio_in_a_plain_mp4_container_counts_as_m4a_for_an_audio_field()
    {
        var input = await FetchAsync(TestMedia.IsoMedia("isom"), TestMedia.Spec(ParameterType.Audio, "MP3", "WAV", "M4A"));

        Assert.Equal("MP4", input.Format);
    }

    [Fact]
    public async Task An_unrecognised_file_for_an_audio_field_says_so()
    {
        Assert.Equal("audioUrl[0]: not a recognised audio file", await RejectedAsync([1, 2, 3, 4], TestMedia.Spec(ParameterType.Audio, "MP3")));
    }

    public void Dispose() => _fetchers.Dispose();
}
