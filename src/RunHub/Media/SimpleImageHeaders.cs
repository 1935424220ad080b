using System.Buffers.Binary;

namespace RunHub.Media;

/// <summary>The sizes of GIF (logical screen, else the first frame) and BMP (DIB header) images, from fixed offsets.</summary>
internal static class SimpleImageHeaders
{
    /// <summary>GIF87a/89a: the logical screen's size; a screen of 0 × 0 takes the first image descriptor's.</summary>
    public static ImageSize? ReadGif(ReadOnlySpan<byte> data)
    {
        if (data.Length < 13) return null;
        var width = BinaryPrimitives.ReadUInt16LittleEndian(data[6..]);
        var height = BinaryPrimitives.ReadUInt16LittleEndian(data[8..]);
        if (width > 0 && height > 0) return new ImageSize(width, height);

        var flags = data[10];
        long at = 13 + ((flags & 0x80) != 0 ? 3 << ((flags & 0x07) + 1) : 0);
        while (at < data.Length)
        {
            switch (data[(int)at])
            {
                case 0x21 when at + 2 < data.Length: // extension: label, then sub-blocks
                    at = SkipSubBlocks(data, at + 2);
                    break;
                case 0x2C when at + 10 <= data.Length: // image descriptor
                    var frameWidth = BinaryPrimitives.ReadUInt16LittleEndian(data[(int)(at + 5)..]);
                    var frameHeight = BinaryPrimitives.ReadUInt16LittleEndian(data[(int)(at + 7)..]);
                    return frameWidth > 0 && frameHeight > 0 ? new ImageSize(frameWidth, frameHeight) : null;
                default:
                    return null;
            }
        }
        return null;
    }

    /// <summary>BMP: BITMAPCOREHEADER (12 bytes, 16-bit sides) or a later header (32-bit sides; a negative height is top-down).</summary>
    public static ImageSize? ReadBmp(ReadOnlySpan<byte> data)
    {
        if (data.Length < 26) return null;
        if (BinaryPrimitives.ReadUInt32LittleEndian(data[14..]) == 12)
        {
            var w = BinaryPrimitives.ReadUInt16LittleEndian(data[18..]);
            var h = BinaryPrimitives.ReadUInt16LittleEndian(data[20..]);
            return w > 0 && h > 0 ? new ImageSize(w, h) : null;
        }
        var width = BinaryPrimitives.ReadInt32LittleEndian(data[18..]);
        var height = BinaryPrimitives.ReadInt32LittleEndian(data[22..]);
        if (height == int.MinValue) return null;
        height = Math.Abs(height);
        return width > 0 && height > 0 ? new ImageSize(width, height) : null;
    }

    private static long SkipSubBlocks(ReadOnlySpan<byte> data, long at)
    {
        while (at < data.Length)
        {
            var size = data[(int)at];
            at += 1 + size;
            if (size == 0) return at;
        }
        return at;
    }
}
