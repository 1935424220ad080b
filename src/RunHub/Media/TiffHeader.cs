using System.Buffers.Binary;

namespace RunHub.Media;

/// <summary>Reads the size of a TIFF image from its first directory; Skia has no TIFF codec to ask.</summary>
internal static class TiffHeader
{
    private const ushort ImageWidth = 256;
    private const ushort ImageLength = 257;
    private const ushort TypeShort = 3;
    private const ushort TypeLong = 4;

    public static bool TryReadSize(ReadOnlySpan<byte> data, out int width, out int height)
    {
        width = height = 0;
        if (data.Length < 8) return false;
        var little = data[0] == (byte)'I';

        var directory = ReadUInt32(data[4..], little);
        if (directory > (uint)data.Length - 2) return false;
        var entries = ReadUInt16(data[(int)directory..], little);
        var first = (int)directory + 2;

        for (var i = 0; i < entries; i++)
        {
            var at = first + i * 12;
            if (at + 12 > data.Length) return false;
            var entry = data.Slice(at, 12);
            var tag = ReadUInt16(entry, little);
            if (tag is not (ImageWidth or ImageLength)) continue;

            long value = ReadUInt16(entry[2..], little) switch
            {
                TypeShort => ReadUInt16(entry[8..], little),
                TypeLong => ReadUInt32(entry[8..], little),
                _ => 0,
            };
            if (value is <= 0 or > int.MaxValue) return false;
            if (tag == ImageWidth) width = (int)value;
            else height = (int)value;
        }
        return width > 0 && height > 0;
    }

    private static ushort ReadUInt16(ReadOnlySpan<byte> b, bool little) =>
        little ? BinaryPrimitives.ReadUInt16LittleEndian(b) : BinaryPrimitives.ReadUInt16BigEndian(b);

    private static uint ReadUInt32(ReadOnlySpan<byte> b, bool little) =>
        little ? BinaryPrimitives.ReadUInt32LittleEndian(b) : BinaryPrimitives.ReadUInt32BigEndian(b);
}
