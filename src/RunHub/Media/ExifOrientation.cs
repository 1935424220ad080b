using System.Buffers.Binary;

namespace RunHub.Media;

/// <summary>
/// Reads the Orientation tag (0x0112) of an EXIF block's first directory (TIFF layout, JEITA CP-3451 §4.6), the
/// one place the displayed size of a JPEG, PNG (<c>eXIf</c>) or WebP (<c>EXIF</c>) may differ from its stored size.
/// Bounded: one directory of the given block, no offsets followed outside it.
/// </summary>
internal static class ExifOrientation
{
    private const ushort OrientationTag = 0x0112;

    /// <summary>1 to 8, or 1 (as stored) when the block has no readable orientation.</summary>
    public static int Read(ReadOnlySpan<byte> tiff)
    {
        if (tiff.Length < 8) return 1;
        bool little;
        if (tiff.StartsWith("II*\0"u8)) little = true;
        else if (tiff.StartsWith("MM\0*"u8)) little = false;
        else return 1;

        var directory = U32(tiff[4..], little);
        if (directory > (uint)tiff.Length - 2) return 1;
        var at = (int)directory;
        var entries = U16(tiff[at..], little);
        at += 2;
        for (var i = 0; i < entries && at + 12 <= tiff.Length; i++, at += 12)
        {
            if (U16(tiff[at..], little) != OrientationTag) continue;
            var value = U16(tiff[(at + 8)..], little);
            return value is >= 1 and <= 8 ? value : 1;
        }
        return 1;
    }

    private static ushort U16(ReadOnlySpan<byte> b, bool little) =>
        little ? BinaryPrimitives.ReadUInt16LittleEndian(b) : BinaryPrimitives.ReadUInt16BigEndian(b);

    private static uint U32(ReadOnlySpan<byte> b, bool little) =>
        little ? BinaryPrimitives.ReadUInt32LittleEndian(b) : BinaryPrimitives.ReadUInt32BigEndian(b);
}
