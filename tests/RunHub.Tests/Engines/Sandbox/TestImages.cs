using SkiaSharp;

namespace RunHub.Tests.Engines.Sandbox;

/// <summary>Input images made on the fly, so the tests need no files on disk.</summary>
internal static class TestImages
{
    public static byte[] SolidPng(int width, int height, SKColor color) => Solid(width, height, color, SKEncodedImageFormat.Png);

    public static byte[] SolidJpeg(int width, int height, SKColor color) => Solid(width, height, color, SKEncodedImageFormat.Jpeg);

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

    public static SKBitmap Decode(byte[] png) =>
        SKBitmap.Decode(png) ?? throw new InvalidOperationException("The output is not a decodable image.");

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
