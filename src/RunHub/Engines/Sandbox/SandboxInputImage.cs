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

    private SandboxInputImage(SKData data, SKCodec codec, string name)
    {
        _data = data;
        _codec = codec;
        _name = name;
    }

    /// <summary>Width and height as the image is meant to be seen, after its EXIF orientation.</summary>
    public SKSizeI UprightSize => SwapsAxes(_codec.EncodedOrigin)
        ? new SKSizeI(_codec.Info.Height, _codec.Info.Width)
        : _codec.Info.Size;

    /// <exception cref="EngineException">1013 when the bytes are not an image Skia can read.</exception>
    public static SandboxInputImage Open(MediaInput input)
    {
        var name = $"{input.FieldKey}[{input.Index}]";
        var data = SKData.CreateCopy(input.Data);
        var codec = SKCodec.Create(data);
        if (codec is null || codec.Info.Width <= 0 || codec.Info.Height <= 0)
        {
            codec?.Dispose();
            data.Dispose();
            throw NotDecodable(name);
        }
        return new SandboxInputImage(data, codec, name);
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
        var decodedUpright = SwapsAxes(_codec.EncodedOrigin) ? new SKSize(bitmap.Height, bitmap.Width) : new SKSize(bitmap.Width, bitmap.Height);

        canvas.Save();
        canvas.ClipRect(cell);
        canvas.Translate(dest.Left, dest.Top);
        canvas.Scale(dest.Width / decodedUpright.Width, dest.Height / decodedUpright.Height);
        var orientation = OrientationMatrix(_codec.EncodedOrigin, bitmap.Width, bitmap.Height);
        canvas.Concat(in orientation);
        // Mipmaps keep a strong downscale (PNGs cannot be decoded smaller) from aliasing.
        canvas.DrawImage(image, 0, 0, new SKSamplingOptions(SKFilterMode.Linear, SKMipmapMode.Linear));
        canvas.Restore();
    }

    public void Dispose()
    {
        _codec.Dispose();
        _data.Dispose();
    }

    private SKBitmap Decode(float scale)
    {
        // JPEG and WebP decode directly at a smaller scale; other formats report their full size here.
        var size = scale < 1 ? _codec.GetScaledDimensions(scale) : _codec.Info.Size;
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
