using System.Buffers.Binary;

namespace RunHub.Media;

/// <summary>
/// Reads a WebP's size from its first chunk — <c>VP8 </c> (lossy frame header, RFC 6386 §9.1), <c>VP8L</c> (lossless
/// header) or <c>VP8X</c> (extended canvas size) — and, in the extended form, the orientation of an <c>EXIF</c> chunk
/// (RFC 9649). Chunks are walked by their sizes only.
/// </summary>
internal static class WebpHeader
{
    public static ImageSize? Read(ReadOnlySpan<byte> data)
    {
        if (data.Length < 30) return null;
        var first = data[12..16];
        if (first.SequenceEqual("VP8 "u8))
        {
            if (data[23] != 0x9D || data[24] != 0x01 || data[25] != 0x2A) return null;
            return Sized(BinaryPrimitives.ReadUInt16LittleEndian(data[26..]) & 0x3FFF, BinaryPrimitives.ReadUInt16LittleEndian(data[28..]) & 0x3FFF, 1);
        }
        if (first.SequenceEqual("VP8L"u8))
        {
            if (data[20] != 0x2F) return null;
            var bits = BinaryPrimitives.ReadUInt32LittleEndian(data[21..]);
            return Sized((int)(bits & 0x3FFF) + 1, (int)((bits >> 14) & 0x3FFF) + 1, 1);
        }
        if (first.SequenceEqual("VP8X"u8))
        {
            var width = (data[24] | data[25] << 8 | data[26] << 16) + 1;
            var height = (data[27] | data[28] << 8 | data[29] << 16) + 1;
            var hasExif = (data[20] & 0x08) != 0;
            return Sized(width, height, hasExif ? Orientation(data) : 1);
        }
        return null;
    }

    private static ImageSize? Sized(int width, int height, int orientation) =>
        width > 0 && height > 0 ? ImageSize.Oriented(width, height, orientation) : null;

    private static int Orientation(ReadOnlySpan<byte> data)
    {
        long at = 12;
        while (at + 8 <= data.Length)
        {
            var size = BinaryPrimitives.ReadUInt32LittleEndian(data[(int)(at + 4)..]);
            var end = at + 8 + size;
            if (end > data.Length) return 1;
            if (data.Slice((int)at, 4).SequenceEqual("EXIF"u8))
            {
                var exif = data.Slice((int)at + 8, (int)size);
                // Some writers keep JPEG's "Exif\0\0" prefix.
                return ExifOrientation.Read(exif.StartsWith("Exif\0\0"u8) ? exif[6..] : exif);
            }
            at = end + (size & 1);
        }
        return 1;
    }
}
