using System.Buffers.Binary;
using System.Globalization;
using System.Text;

namespace RunHub.Media;

/// <summary>
/// Reads a PNG's size from its IHDR chunk and walks the chunk list (lengths and types only, never a CRC or a byte of
/// compressed data) to refuse oversized ancillary chunks before any decoder sees them (PNG spec, ISO 15948 §5).
/// </summary>
/// <remarks>
/// Measured with the SkiaSharp RunHub ships: one 1 MB <c>tEXt</c> chunk costs Skia's codec about 0.2 s of CPU and a 4 MB one
/// about 10 s (the cost grows with the square of the size), and a 10 MB one stalled a worker for minutes; many small
/// chunks cost little. Metadata that large is not a picture's, so a single ancillary chunk above
/// <see cref="MaxAncillaryChunkBytes"/>, or more than <see cref="MaxAncillaryBytes"/> of them together, is refused.
/// Animation frames (<c>fdAT</c>) are pixel data, not metadata, and are not counted; a file of more than
/// <see cref="MaxChunks"/> chunks is refused too.
/// </remarks>
internal static class PngHeader
{
    /// <summary>The largest single ancillary chunk taken: 512 KiB (ComfyUI's embedded workflows are well below it).</summary>
    public const int MaxAncillaryChunkBytes = 512 * 1024;

    /// <summary>The most ancillary chunk data one PNG may carry in all: 2 MiB.</summary>
    public const int MaxAncillaryBytes = 2 * 1024 * 1024;

    /// <summary>
    /// The most chunks of any kind: real files have a few thousand at most (10 MB of pixels in 4 KB IDAT chunks is
    /// 2,560), while 870,000 empty chunks in 10 MB cost the decoder a quarter of a second each time it reads them.
    /// </summary>
    public const int MaxChunks = 100_000;

    private const int ChunkOverhead = 12;

    public static ImageSize? Read(ReadOnlySpan<byte> data)
    {
        // Signature (8), then IHDR: length 13, "IHDR", width, height, ...
        if (data.Length < 33 || BinaryPrimitives.ReadUInt32BigEndian(data[8..]) != 13 || !data[12..16].SequenceEqual("IHDR"u8)) return null;
        var width = BinaryPrimitives.ReadUInt32BigEndian(data[16..]);
        var height = BinaryPrimitives.ReadUInt32BigEndian(data[20..]);
        if (width is 0 or > int.MaxValue || height is 0 or > int.MaxValue) return null;

        var orientation = 1;
        long ancillary = 0;
        long at = 8;
        for (var chunks = 1; at + ChunkOverhead <= data.Length; chunks++)
        {
            if (chunks > MaxChunks)
                return ImageSize.Refused(string.Create(CultureInfo.InvariantCulture, $"the PNG is made of more than {MaxChunks:N0} chunks; such files are refused"));
            var length = BinaryPrimitives.ReadUInt32BigEndian(data[(int)at..]);
            var type = data.Slice((int)at + 4, 4);
            if (type.SequenceEqual("IEND"u8)) break;
            var isAncillary = (type[0] & 0x20) != 0 && !type.SequenceEqual("fdAT"u8);
            if (isAncillary)
            {
                if (length > MaxAncillaryChunkBytes)
                    return ImageSize.Refused(string.Create(CultureInfo.InvariantCulture,
                        $"the PNG's {Name(type)} chunk holds {length:N0} bytes; metadata chunks of more than {MaxAncillaryChunkBytes / 1024} KB are refused"));
                ancillary += length;
                if (ancillary > MaxAncillaryBytes)
                    return ImageSize.Refused($"the PNG's metadata chunks hold more than {MaxAncillaryBytes / (1024 * 1024)} MB together; such files are refused");
            }
            var end = at + ChunkOverhead + length;
            if (end > data.Length) break;
            if (type.SequenceEqual("eXIf"u8)) orientation = ExifOrientation.Read(data.Slice((int)at + 8, (int)length));
            at = end;
        }
        return ImageSize.Oriented((int)width, (int)height, orientation);
    }

    /// <summary>The chunk type as text when it is letters (as every valid one is), else its bytes in hex.</summary>
    private static string Name(ReadOnlySpan<byte> type)
    {
        foreach (var b in type)
            if (!char.IsAsciiLetter((char)b)) return "0x" + Convert.ToHexString(type);
        return Encoding.ASCII.GetString(type);
    }
}
