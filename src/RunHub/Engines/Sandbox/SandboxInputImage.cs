using RunHub.Client;
using RunHub.Media;
using SkiaSharp;

namespace RunHub.Engines.Sandbox;

/// <summary>
/// One input image, opened but not yet decoded: only its header is read until it is drawn, and then it is
/// decoded at roughly the size it will occupy, so a large upload never sits in memory at full resolution
/// for longer than one decode.
/// </summary>
internal sealed class SandboxInputImage : IDisposable
{
    private readonly SKData _data;
    private readonly SKCodec _codec;
    private readonly string _name;
    private readonly SandboxDecodeBudget _budget;

    private SandboxInputImage(SKData data, SKCodec codec, string name, SandboxDecodeBudget budget)
    {
        _data = data;
        _codec = codec;
        _name = name;
        _budget = budget;
    }

    /// <summary>Width and height as the image is meant to be seen, after its EXIF orientation.</summary>
    public SKSizeI UprightSize => SwapsAxes(_codec.EncodedOrigin)
        ? new SKSizeI(_codec.Info.Height, _codec.Info.Width)
        : _codec.Info.Size;

    /// <exception cref="EngineException">1013 when the bytes are not an image Skia can read.</exception>
    public static SandboxInputImage Open(MediaInput input, SandboxDecodeBudget budget) =>
        Open(input.Data, $"{input.FieldKey}[{input.Index}]", budget);

    /// <summary>Opens <paramref name="bytes"/>, named <paramref name="name"/> in error messages.</summary>
    /// <exception cref="EngineException">1013 when the bytes are not an image Skia can read.</exception>
    public static SandboxInputImage Open(byte[] bytes, string name, SandboxDecodeBudget budget)
    {
        var data = SKData.CreateCopy(bytes);
        var codec = SKCodec.Create(data);
        if (codec is null || codec.Info.Width <= 0 || codec.Info.Height <= 0)
        {
            codec?.Dispose();
            data.Dispose();
            throw NotDecodable(name);
        }
        return new SandboxInputImage(data, codec, name, budget);
    }

    /// <summary>Draws the image as large as fits inside <paramref name="cell"/>, centred, aspect kept.</summary>
    public void DrawContained(SKCanvas canvas, SKRect cell)
    {
        var upright = UprightSize;
        var fit = Math.Min(cell.Width / upright.Width, cell.Height / upright.Height);
        var width = upright.Width * fit;
        var height = upright.Height * fit;
        var dest = SKRect.Create(cell.MidX - width / 2, cell.MidY - height / 2, width, height);

        using var bitmap = Decode(fit);
        using var image = SKImage.FromBitmap(bitmap);
        var strongDownscale = dest.Width < (SwapsAxes(_codec.EncodedOrigin) ? bitmap.Height : bitmap.Width) / 2f;
        var decodedUpright = SwapsAxes(_codec.EncodedOrigin) ? new SKSize(bitmap.Height, bitmap.Width) : new SKSize(bitmap.Width, bitmap.Height);

        canvas.Save();
        canvas.ClipRect(cell);
        canvas.Translate(dest.Left, dest.Top);
        canvas.Scale(dest.Width / decodedUpright.Width, dest.Height / decodedUpright.Height);
        var orientation = OrientationMatrix(_codec.EncodedOrigin, bitmap.Width, bitmap.Height);
        canvas.Concat(in orientation);
        // Mipmaps keep a strong downscale from aliasing; inputs decoded near their drawn size need none (and their
        // third more memory).
        canvas.DrawImage(image, 0, 0, new SKSamplingOptions(SKFilterMode.Linear, strongDownscale ? SKMipmapMode.Linear : SKMipmapMode.None));
        canvas.Restore();
    }

    public void Dispose()
    {
        _codec.Dispose();
        _data.Dispose();
    }

    /// <summary>
    /// The pixels at about <paramref name="scale"/> of the stored size, within the decode budget: JPEG and WebP decode
    /// smaller directly; a format that cannot (PNG, GIF, BMP: this Skia build has no row-by-row PNG decoding) is decoded
    /// whole when that fits the budget and refused when it does not, so a 143 KB PNG of 7000×7000 never costs a
    /// worker its 196 MB of pixels.
    /// </summary>
    private SKBitmap Decode(float scale)
    {
        var size = scale < 1 ? _codec.GetScaledDimensions(scale) : _codec.Info.Size;
        if ((long)size.Width * size.Height > _budget.MaxPixels) throw TooLarge();
        return DecodeWhole(size);
    }

    private EngineException TooLarge() => new(RunHubErrorCodes.InputNotReadable,
        $"{_name}: a {_codec.EncodedFormat.ToString().ToUpperInvariant()} of {_codec.Info.Width}x{_codec.Info.Height} is too large for the sandbox to decode within its budget of {_budget.MaxPixels} pixels per image " +
        "(RunHub:Engines:Sandbox:MaxDecodePixels); send it as a JPEG or WebP, which are decoded at the size they are drawn, or smaller");

    private SKBitmap DecodeWhole(SKSizeI size)
    {
        // No colour space: pixels are taken as they are stored, which keeps output identical across hosts.
        var info = new SKImageInfo(size.Width, size.Height, SKColorType.Rgba8888, SKAlphaType.Premul);
        var bitmap = new SKBitmap();
        if (!bitmap.TryAllocPixels(info))
        {
            bitmap.Dispose();
            throw new EngineException(RunHubErrorCodes.InputNotReadable, $"{_name}: image too large to decode");
        }
        var result = _codec.GetPixels(info, bitmap.GetPixels());
        if (result == SKCodecResult.Success) return bitmap;
        bitmap.Dispose();
        // The fetcher hands over whole files, so missing rows mean a broken file, not a slow network;
        // drawing the blank remainder would pass off a damaged input as a result.
        throw result == SKCodecResult.IncompleteInput
            ? new EngineException(RunHubErrorCodes.InputNotReadable, $"{_name}: not a decodable image (the data ends early)")
            : NotDecodable(_name);
    }

    private static bool SwapsAxes(SKEncodedOrigin origin) =>
        origin is SKEncodedOrigin.LeftTop or SKEncodedOrigin.RightTop or SKEncodedOrigin.RightBottom or SKEncodedOrigin.LeftBottom;

    // Skia's SkEncodedOriginToMatrix: maps stored pixels (w x h) to their upright position.
    private static SKMatrix OrientationMatrix(SKEncodedOrigin origin, float w, float h) => origin switch
    {
        SKEncodedOrigin.TopRight => new SKMatrix(-1, 0, w, 0, 1, 0, 0, 0, 1),
        SKEncodedOrigin.BottomRight => new SKMatrix(-1, 0, w, 0, -1, h, 0, 0, 1),
        SKEncodedOrigin.BottomLeft => new SKMatrix(1, 0, 0, 0, -1, h, 0, 0, 1),
        SKEncodedOrigin.LeftTop => new SKMatrix(0, 1, 0, 1, 0, 0, 0, 0, 1),
        SKEncodedOrigin.RightTop => new SKMatrix(0, -1, h, 1, 0, 0, 0, 0, 1),
        SKEncodedOrigin.RightBottom => new SKMatrix(0, -1, h, -1, 0, w, 0, 0, 1),
        SKEncodedOrigin.LeftBottom => new SKMatrix(0, 1, 0, -1, 0, w, 0, 0, 1),
        _ => SKMatrix.Identity,
    };

    private static EngineException NotDecodable(string name) => new(RunHubErrorCodes.InputNotReadable, $"{name}: not a decodable image");
}
