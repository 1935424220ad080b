using RunHub.Client;
using SkiaSharp;

namespace RunHub.Engines.Sandbox;

/// <summary>
/// Encodes a sandbox picture as the model would answer it — PNG, JPEG or WebP — with the sandbox's mark in the
/// format's own metadata: PNG <c>tEXt</c> chunks (<c>Software</c>, <c>Comment</c>), a JPEG <c>COM</c> segment, a WebP
/// <c>XMP</c> chunk. Encoder settings are fixed so the same picture always gives the same bytes.
/// </summary>
internal static class SandboxImageFile
{
    // zlib level 6 is the usual size/speed balance; every filter lets the encoder pick per row.
    private static readonly SKPngEncoderOptions PngOptions = new(SKPngEncoderFilterFlags.AllFilters, 6);
    // The still a video is made from is read once by ffmpeg and thrown away: speed over size.
    private static readonly SKPngEncoderOptions StillOptions = new(SKPngEncoderFilterFlags.NoFilters, 1);
    private const int JpegQuality = 90;
    private const int WebpQuality = 85;

    /// <summary>The extension (png, jpg or webp) the model answers with: its <c>outputFormat</c>/<c>format</c> parameter, else png.</summary>
    public static string ExtensionFor(SandboxRequest request) =>
        request.Text("outputFormat", "output_format", "format", "imageFormat")?.ToLowerInvariant() switch
        {
            "jpeg" or "jpg" => "jpg",
            "webp" => "webp",
            _ => "png",
        };

    /// <summary>A PNG for ffmpeg to read, fast to write and without metadata (the video carries the mark).</summary>
    public static byte[] EncodeStill(SKBitmap bitmap)
    {
        using var pixmap = bitmap.PeekPixels();
        using var data = pixmap.Encode(StillOptions) ?? throw new EngineException(RunHubErrorCodes.GenerationFailed, "sandbox: PNG encoding failed");
        return data.ToArray();
    }

    /// <param name="comment">What the mark says beyond <see cref="SandboxMark.Software"/>: the prompt hash prefix, a reduced size.</param>
    /// <exception cref="EngineException">1015 when Skia cannot encode (out of memory).</exception>
    public static byte[] Encode(SKBitmap bitmap, string extension, string comment)
    {
        using var pixmap = bitmap.PeekPixels();
        using var data = extension switch
        {
            "jpg" => pixmap.Encode(new SKJpegEncoderOptions(JpegQuality, SKJpegEncoderDownsample.Downsample420, SKJpegEncoderAlphaOption.Ignore)),
            "webp" => pixmap.Encode(new SKWebpEncoderOptions(SKWebpEncoderCompression.Lossy, WebpQuality)),
            _ => pixmap.Encode(PngOptions),
        } ?? throw new EngineException(RunHubErrorCodes.GenerationFailed, $"sandbox: {extension} encoding failed");
        var bytes = data.ToArray();
        return extension switch
        {
            "jpg" => ImageMetadata.AddJpegComment(bytes, $"{SandboxMark.Software}; {comment}"),
            "webp" => ImageMetadata.AddWebpXmp(bytes, bitmap.Width, bitmap.Height, SandboxMark.Xmp(comment)),
            _ => PngTextChunks.InsertAfterHeader(bytes, [new("Software", SandboxMark.Software), new("Comment", comment)]),
        };
    }
}
