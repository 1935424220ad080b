using SkiaSharp;

namespace RunHub.Tests.Support;

/// <summary>Small real images made on the spot.</summary>
public static class TestImages
{
    public static byte[] Png(int width, int height, SKColor? color = null) => Encode(width, height, color ?? SKColors.SteelBlue, SKEncodedImageFormat.Png);

    public static byte[] Jpeg(int width, int height, SKColor? color = null) => Encode(width, height, color ?? SKColors.OrangeRed, SKEncodedImageFormat.Jpeg);

    public static string DataUri(byte[] png) => "data:image/png;base64," + Convert.ToBase64String(png);

    public static (int Width, int Height) SizeOf(byte[] image)
    {
        using var codec = SKCodec.Create(new MemoryStream(image));
        Assert.NotNull(codec);
        return (codec.Info.Width, codec.Info.Height);
    }

    private static byte[] Encode(int width, int height, SKColor color, SKEncodedImageFormat format)
    {
        using var bitmap = new SKBitmap(width, height);
        using (var canvas = new SKCanvas(bitmap))
        {
            canvas.Clear(color);
            using var paint = new SKPaint { Color = SKColors.White };
            canvas.DrawRect(width / 4f, height / 4f, width / 2f, height / 2f, paint);
        }
        using var image = SKImage.FromBitmap(bitmap);
        using var data = image.Encode(format, 90);
        return data.ToArray();
    }
}
