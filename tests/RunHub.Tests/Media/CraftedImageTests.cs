using System.Buffers.Binary;
using System.Text;
using RunHub.Bench.Scenarios;
using RunHub.Engines.Sandbox;
using RunHub.Media;
using RunHub.Tests.Media.Support;
using RunHub.Tests.Support;

namespace RunHub.Tests.Media;

/// <summary>
/// Images built to make a check slow (issue 11 item 3) are answered by RunHub's bounded header parsers alone:
/// oversized PNG metadata is refused before any decoder sees it, and every other crafted file gets its size (or its
/// refusal) from its header. How fast is the benchmark's business (bench/ "input-check"), not this test's.
/// </summary>
public sealed class CraftedImageTests : IDisposable
{
    private readonly Fetchers _fetchers = new();

    public void Dispose() => _fetchers.Dispose();

    private static readonly Dictionary<string, string> Expected = new()
    {
        ["png-one-10mb-text-chunk"] = "tEXt chunk holds 10,485,248 bytes; metadata chunks of more than 512 KB are refused",
        ["png-one-10mb-private-chunk"] = "prVt chunk holds 10,485,248 bytes",
        ["png-159-text-chunks-of-64kb"] = "metadata chunks hold more than 2 MB together",
        ["png-870k-empty-chunks"] = "made of more than 100,000 chunks",
        ["png-10mb-of-noise"] = "PNG 1800×1450",
        ["jpeg-159-app-segments-of-64kb"] = "JPG 16×16",
        ["jpeg-2.6m-comment-segments"] = "JPG 16×16",
        ["gif-5m-sub-blocks-before-the-frame"] = "GIF 16×16",
        ["webp-10mb-exif-chunk"] = "WEBP 16×16",
        ["tiff-65535-directory-entries"] = "TIFF none",
        ["heic-1.3m-empty-boxes"] = "HEIC none",
    };

    public static TheoryData<string> Names => new(CraftedInputs.Names);

    [Theory]
    [MemberData(nameof(Names))]
    public void Each_crafted_input_is_at_most_10_mb_and_is_answered_from_its_header(string name)
    {
        var data = CraftedInputs.Build(name);
        Assert.True(data.Length <= CraftedInputs.MaxBytes, $"{name} is {data.Length} bytes");

        var probed = MediaProbe.Probe(data);

        var answer = probed.Refusal ?? $"{probed.Format?.Name} {(probed.Width is { } w ? $"{w}×{probed.Height}" : "none")}";
        Assert.Contains(Expected[name], answer);
    }

    [Fact]
    public async Task A_16x16_png_with_one_10_mb_ancillary_chunk_is_refused_at_the_input_check()
    {
        // The file: Skia's codec spent 77–243 s of CPU on it before anything was decoded.
        var crafted = CraftedInputs.Build("png-one-10mb-text-chunk");

        var message = await _fetchers.AllowingPrivateNetworks()
            .FetchAsync(TestMedia.Reference(TestImages.DataUri(crafted)), TestMedia.ImageSpec(), default).RejectedAsync();

        Assert.Equal("imageUrls[0]: the PNG's tEXt chunk holds 10,485,248 bytes; metadata chunks of more than 512 KB are refused", message);
    }

    [Fact]
    public async Task The_same_png_downloaded_over_http_is_refused_the_same_way()
    {
        var crafted = CraftedInputs.Build("png-one-10mb-text-chunk");
        await using var server = await LoopbackServer.ServingAsync(crafted, "image/png");

        var message = await _fetchers.AllowingPrivateNetworks()
            .FetchAsync(TestMedia.Reference(server.Url("/crafted.png")), TestMedia.ImageSpec(), default).RejectedAsync();

        Assert.Contains("tEXt chunk holds 10,485,248 bytes", message);
    }

    [Fact]
    public void A_comfyui_sized_workflow_in_a_text_chunk_and_large_animation_frames_are_accepted()
    {
        var workflow = Png(TestImages.Png(64, 48), Chunk("tEXt", [.. "workflow\0"u8, .. Encoding.ASCII.GetBytes(new string('{', 400 * 1024))]));
        Assert.Equal(new ProbedMedia(MediaFormat.Png, 64, 48), MediaProbe.Probe(workflow));

        var animated = Png(TestImages.Png(64, 48), Chunk("fdAT", new byte[3 * 1024 * 1024]));
        Assert.Equal(new ProbedMedia(MediaFormat.Png, 64, 48), MediaProbe.Probe(animated));
    }

    [Fact]
    public void A_png_whose_exif_turns_it_a_quarter_reports_the_displayed_size()
    {
        byte[] exif = [.. "MM\0*"u8, 0, 0, 0, 8, 0, 1, 0x01, 0x12, 0, 3, 0, 0, 0, 1, 0, 6, 0, 0, 0, 0, 0, 0];

        Assert.Equal(new ProbedMedia(MediaFormat.Png, 20, 50), MediaProbe.Probe(Png(TestImages.Png(50, 20), Chunk("eXIf", exif))));
    }

    [Fact]
    public void Lossless_and_extended_webp_bmp_and_heic_report_their_sizes()
    {
        using (var bitmap = new SkiaSharp.SKBitmap(37, 21))
        {
            bitmap.Erase(SkiaSharp.SKColors.Teal);
            using var lossless = bitmap.Encode(SkiaSharp.SKEncodedImageFormat.Webp, 100);
            Assert.Equal(new ProbedMedia(MediaFormat.Webp, 37, 21), MediaProbe.Probe(lossless.ToArray()));
        }

        byte[] vp8x = [.. "RIFF"u8, 30, 0, 0, 0, .. "WEBPVP8X"u8, 10, 0, 0, 0, 0, 0, 0, 0, 99, 0, 0, 49, 0, 0];
        Assert.Equal(new ProbedMedia(MediaFormat.Webp, 100, 50), MediaProbe.Probe(vp8x));

        byte[] bmp = [.. "BM"u8, 0, 0, 0, 0, 0, 0, 0, 0, 54, 0, 0, 0, 40, 0, 0, 0, 7, 0, 0, 0, 0xFD, 0xFF, 0xFF, 0xFF, 1, 0, 24, 0];
        Assert.Equal(new ProbedMedia(MediaFormat.Bmp, 7, 3), MediaProbe.Probe(bmp));

        var ispe = Box("ispe", [0, 0, 0, 0, 0, 0, 0x0F, 0xA0, 0, 0, 0x0B, 0xB8]);
        byte[] heic = [.. Box("ftyp", [.. "heic"u8, 0, 0, 0, 0, .. "mif1heic"u8]), .. Box("meta", [0, 0, 0, 0, .. Box("iprp", Box("ipco", ispe))])];
        Assert.Equal(new ProbedMedia(MediaFormat.Heic, 4000, 3000), MediaProbe.Probe(heic));
    }

    [Fact]
    public void A_jpeg_whose_scan_starts_before_any_frame_header_has_no_size()
    {
        byte[] jpeg = [0xFF, 0xD8, 0xFF, 0xDA, 0, 2, 1, 2, 3];

        Assert.Equal(new ProbedMedia(MediaFormat.Jpg), MediaProbe.Probe(jpeg));
    }

    /// <summary><paramref name="png"/> with <paramref name="chunk"/> inserted right after its IHDR.</summary>
    private static byte[] Png(byte[] png, byte[] chunk) => [.. png[..33], .. chunk, .. png[33..]];

    private static byte[] Chunk(string type, byte[] data)
    {
        var chunk = new byte[12 + data.Length];
        BinaryPrimitives.WriteUInt32BigEndian(chunk, (uint)data.Length);
        Encoding.ASCII.GetBytes(type, chunk.AsSpan(4));
        data.CopyTo(chunk, 8);
        BinaryPrimitives.WriteUInt32BigEndian(chunk.AsSpan(8 + data.Length), PngCrc32.Compute(chunk.AsSpan(4, 4 + data.Length)));
        return chunk;
    }

    private static byte[] Box(string type, byte[] content)
    {
        var box = new byte[8 + content.Length];
        BinaryPrimitives.WriteUInt32BigEndian(box, (uint)box.Length);
        Encoding.ASCII.GetBytes(type, box.AsSpan(4));
        content.CopyTo(box, 8);
        return box;
    }
}
