using System.Text;
using RunHub.Media;
using RunHub.Tests.Media.Support;

using RunHub.Tests.Support;

namespace RunHub.Tests.Media;

public class MediaProbeTests
{
    [Fact]
    public void Png_jpeg_and_webp_report_their_format_content_type_and_size()
    {
        Assert.Equal(new ProbedMedia(MediaFormat.Png, 64, 48), MediaProbe.Probe(TestImages.Png(64, 48)));
        Assert.Equal(new ProbedMedia(MediaFormat.Jpg, 33, 17), MediaProbe.Probe(TestImages.Jpeg(33, 17)));
        Assert.Equal(new ProbedMedia(MediaFormat.Webp, 20, 30), MediaProbe.Probe(TestImages.Webp(20, 30)));
        Assert.Equal("image/jpeg", MediaProbe.Probe(TestImages.Jpeg(2, 2)).ContentType);
    }

    [Fact]
    public void Gif_reports_its_size()
    {
        Assert.Equal(new ProbedMedia(MediaFormat.Gif, 1, 1), MediaProbe.Probe(TestMedia.Gif));
    }

    [Fact]
    public void A_huge_image_is_measured_from_its_header_alone()
    {
        var probed = MediaProbe.Probe(TestMedia.PngHeaderClaiming(30000, 30000));

        Assert.Equal(MediaFormat.Png, probed.Format);
        Assert.Equal(900_000_000L, probed.Pixels);
    }

    [Fact]
    public void A_jpeg_turned_a_quarter_by_its_exif_orientation_reports_the_displayed_size()
    {
        var jpeg = TestImages.Jpeg(40, 10);
        // APP1 Exif segment holding one IFD entry: Orientation (0x0112) = 6, "rotate 90° clockwise".
        byte[] exif =
        [
            0xFF, 0xE1, 0x00, 0x22, .. "Exif\0\0"u8,
            .. "II*\0"u8, 8, 0, 0, 0,
            1, 0, 0x12, 0x01, 3, 0, 1, 0, 0, 0, 6, 0, 0, 0,
            0, 0, 0, 0,
        ];
        byte[] rotated = [.. jpeg[..2], .. exif, .. jpeg[2..]];

        var probed = MediaProbe.Probe(rotated);

        Assert.Equal((10, 40), (probed.Width, probed.Height));
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Tiff_size_is_read_from_its_first_directory(bool littleEndian)
    {
        byte[] tiff = littleEndian
            ? [.. "II*\0"u8, 8, 0, 0, 0, 2, 0, 0x00, 0x01, 3, 0, 1, 0, 0, 0, 0x20, 0x03, 0, 0, 0x01, 0x01, 4, 0, 1, 0, 0, 0, 0x58, 0x02, 0, 0, 0, 0, 0, 0]
            : [.. "MM\0*"u8, 0, 0, 0, 8, 0, 2, 0x01, 0x00, 0, 3, 0, 0, 0, 1, 0x03, 0x20, 0, 0, 0x01, 0x01, 0, 4, 0, 0, 0, 1, 0, 0, 0x02, 0x58, 0, 0, 0, 0];

        Assert.Equal(new ProbedMedia(MediaFormat.Tiff, 800, 600), MediaProbe.Probe(tiff));
    }

    [Fact]
    public void An_image_whose_header_is_cut_short_has_no_size()
    {
        var probed = MediaProbe.Probe(TestImages.Png(10, 10)[..20]);

        Assert.Equal(MediaFormat.Png, probed.Format);
        Assert.Null(probed.Pixels);
    }

    public static TheoryData<string, byte[]> Signatures => new()
    {
        { "MP4", TestMedia.IsoMedia("isom") },
        { "MOV", TestMedia.IsoMedia("qt  ") },
        { "M4A", TestMedia.IsoMedia("M4A ") },
        { "HEIC", TestMedia.IsoMedia("heic") },
        { "AVIF", TestMedia.IsoMedia("avif") },
        { "WEBM", [0x1A, 0x45, 0xDF, 0xA3, 0x9F, 0x42, 0x86, 0x81, 0x01, 0x42, 0x82, 0x84, .. "webm"u8] },
        { "MKV", [0x1A, 0x45, 0xDF, 0xA3, 0xA3, 0x42, 0x86, 0x81, 0x01, 0x42, 0x82, 0x88, .. "matroska"u8] },
        { "AVI", [.. "RIFF"u8, 0, 0, 0, 0, .. "AVI LIST"u8] },
        { "WAV", [.. "RIFF"u8, 0, 0, 0, 0, .. "WAVEfmt "u8] },
        { "MP3", TestMedia.Mp3 },
        { "MP3", [0xFF, 0xFB, 0x90, 0x64, 0, 0] },
        { "AAC", [0xFF, 0xF1, 0x50, 0x80, 0, 0] },
        { "FLAC", [.. "fLaC"u8, 0, 0, 0, 34] },
        { "OGG", [.. "OggS"u8, 0, 2] },
        { "GLB", [.. "glTF"u8, 2, 0, 0, 0] },
        { "BMP", [.. "BM"u8, 0, 0, 0, 0, 0, 0, 0, 0, 54, 0, 0, 0, 40, 0, 0, 0] },
    };

    [Theory]
    [MemberData(nameof(Signatures))]
    public void Formats_are_recognised_by_their_leading_bytes(string expected, byte[] data)
    {
        Assert.Equal(expected, MediaProbe.DetectFormat(data)?.Name);
    }

    [Fact]
    public void Text_and_empty_files_are_not_recognised()
    {
        Assert.Null(MediaProbe.DetectFormat(Encoding.UTF8.GetBytes("<html><body>not an image</body></html>")));
        Assert.Null(MediaProbe.DetectFormat("BM is not a bitmap"u8));
        Assert.Null(MediaProbe.DetectFormat([]));
        Assert.Equal(new ProbedMedia(null), MediaProbe.Probe([]));
        Assert.Equal("application/octet-stream", MediaProbe.Probe([1, 2, 3]).ContentType);
    }
}
