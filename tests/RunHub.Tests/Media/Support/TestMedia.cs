using System.Buffers.Binary;
using System.Text;
using RunHub.Catalog;
using RunHub.Engines.Sandbox;

namespace RunHub.Tests.Media.Support;

/// <summary>Real files (encoded by SkiaSharp) and hand-made headers for the media tests.</summary>
internal static class TestMedia
{
    /// <summary>A complete 1×1 GIF (Skia cannot encode GIF).</summary>
    public static byte[] Gif { get; } = Convert.FromBase64String("R0lGODlhAQABAIAAAP///wAAACH5BAEAAAAALAAAAAABAAEAAAICRAEAOw==");

    /// <summary>
    /// A PNG whose header claims the given size, followed by a tiny data chunk: enough for a header reader,
    /// far too little to hold the pixels, so only a probe that never decodes can judge it.
    /// </summary>
    public static byte[] PngHeaderClaiming(int width, int height)
    {
        var ihdr = new byte[13];
        BinaryPrimitives.WriteInt32BigEndian(ihdr, width);
        BinaryPrimitives.WriteInt32BigEndian(ihdr.AsSpan(4), height);
        ihdr[8] = 8; // bit depth
        ihdr[9] = 6; // RGBA
        return [.. PngSignature, .. Chunk("IHDR", ihdr), .. Chunk("IDAT", [0x78, 0x9C, 0x03, 0x00]), .. Chunk("IEND", [])];
    }

    public static byte[] PngSignature { get; } = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A];

    /// <summary>The first bytes of an ISO media file (MP4, MOV, M4A) with the given major brand.</summary>
    public static byte[] IsoMedia(string majorBrand)
    {
        byte[] ftyp = [0, 0, 0, 24, .. "ftyp"u8, .. Encoding.ASCII.GetBytes(majorBrand), 0, 0, 2, 0, .. "isom"u8, .. "mp41"u8];
        return [.. ftyp, 0, 0, 0, 8, .. "free"u8, 0, 0, 0, 8, .. "mdat"u8];
    }

    public static byte[] Mp3 { get; } = [.. "ID3"u8, 4, 0, 0, 0, 0, 0, 0, 0xFF, 0xFB, 0x90, 0x64];

    public static ParameterSpec ImageSpec(double? maxSizeMb = 10, params string[] accept) => new()
    {
        FieldKey = "imageUrls",
        Type = ParameterType.Image,
        Required = true,
        Accept = accept.Length == 0 ? ["JPG", "PNG"] : accept,
        MaxSizeMb = maxSizeMb,
        MultipleInputs = true,
        MaxInputNum = 2,
    };

    public static ParameterSpec Spec(ParameterType type, params string[] accept) => new()
    {
        FieldKey = type.ToString().ToLowerInvariant() + "Url",
        Type = type,
        Accept = accept,
    };

    public static MediaReference Reference(string url, int index = 0, string field = "imageUrls") => new(field, index, url);

    private static byte[] Chunk(string type, byte[] data)
    {
        byte[] typeAndData = [.. Encoding.ASCII.GetBytes(type), .. data];
        var chunk = new byte[12 + data.Length];
        BinaryPrimitives.WriteInt32BigEndian(chunk, data.Length);
        typeAndData.CopyTo(chunk, 4);
        BinaryPrimitives.WriteUInt32BigEndian(chunk.AsSpan(8 + data.Length), PngCrc32.Compute(typeAndData));
        return chunk;
    }
}
