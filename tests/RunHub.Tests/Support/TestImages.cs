using SkiaSharp;

namespace RunHub.Tests.Support;

/// <summary>Real images encoded on the spot by SkiaSharp, so no test needs files on disk.</summary>
internal static class TestImages
{
    public static byte[] Png(int width, int height, SKColor? color = null) => Solid(width, height, color ?? SKColors.SteelBlue, SKEncodedImageFormat.Png);

    public static byte[] Jpeg(int width, int height, SKColor? color = null) => Solid(width, height, color ?? SKColors.OrangeRed, SKEncodedImageFormat.Jpeg);

    public static byte[] Webp(int width, int height, SKColor? color = null) => Solid(width, height, color ?? SKColors.SeaGreen, SKEncodedImageFormat.Webp);

    public static string DataUri(byte[] data, string mediaType = "image/png") => $"data:{mediaType};base64,{Convert.ToBase64String(data)}";

    /// <summary>A JPEG whose stored pixels are <paramref name="storedWidth"/> x <paramref name="storedHeight"/>, tagged with an EXIF orientation.</summary>
    public static byte[] JpegWithOrientation(int storedWidth, int storedHeight, SKColor color, ushort orientation, SKColor? rightHalf = null)
    {
        var jpeg = Encode(storedWidth, storedHeight, SKEncodedImageFormat.Jpeg, bitmap =>
        {
            bitmap.Erase(color);
            if (rightHalf is { } right)
                bitmap.Erase(right, new SKRectI(storedWidth / 2, 0, storedWidth, storedHeight));
        });
        // APP1 "Exif": a big-endian TIFF header and one IFD holding only the Orientation tag (0x0112, SHORT).
        byte[] tiff =
        [
            (byte)'M', (byte)'M', 0, 42, 0, 0, 0, 8,
            0, 1,
            0x01, 0x12, 0, 3, 0, 0, 0, 1, (byte)(orientation >> 8), (byte)orientation, 0, 0,
            0, 0, 0, 0,
        ];
        var payload = "Exif\0\0"u8.ToArray().Concat(tiff).ToArray();
        var segmentLength = payload.Length + 2;
        var app1 = new byte[] { 0xFF, 0xE1, (byte)(segmentLength >> 8), (byte)segmentLength }.Concat(payload);
        // Right after SOI, where readers expect EXIF.
        return jpeg.Take(2).Concat(app1).Concat(jpeg.Skip(2)).ToArray();
    }

    public static SKBitmap Decode(byte[] image) =>
        SKBitmap.Decode(image) ?? throw new InvalidOperationException("The output is not a decodable image.");

    public static (int Width, int Height) SizeOf(byte[] image)
    {
        using var codec = SKCodec.Create(new MemoryStream(image));
        Assert.NotNull(codec);
        return (codec.Info.Width, codec.Info.Height);
    }

    private static byte[] Solid(int width, int height, SKColor color, SKEncodedImageFormat format) =>
        Encode(width, height, format, bitmap => bitmap.Erase(color));

    private static byte[] Encode(int width, int height, SKEncodedImageFormat format, Action<SKBitmap> paint)
    {
        using var bitmap = new SKBitmap(new SKImageInfo(width, height, SKColorType.Rgba8888, SKAlphaType.Premul));
        paint(bitmap);
        using var data = bitmap.Encode(format, 90);
        return data.ToArray();
    }
}
