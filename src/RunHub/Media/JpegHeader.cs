using System.Buffers.Binary;

namespace RunHub.Media;

/// <summary>
/// Reads a JPEG's size from its start-of-frame segment, walking the marker segments by their lengths (ITU T.81
/// Annex B), and its EXIF orientation from an APP1 segment before it. Bounded: each step moves past one segment.
/// </summary>
internal static class JpegHeader
{
    public static ImageSize? Read(ReadOnlySpan<byte> data)
    {
        if (data.Length < 4 || data[0] != 0xFF || data[1] != 0xD8) return null;
        var orientation = 1;
        var exifSeen = false;
        var at = 2;
        while (at + 4 <= data.Length)
        {
            if (data[at] != 0xFF) return null;
            var marker = data[at + 1];
            if (marker == 0xFF)
            {
                at++; // fill byte
                continue;
            }
            at += 2;
            if (marker is 0x01 or 0xD8 or (>= 0xD0 and <= 0xD7)) continue; // no length
            if (marker is 0xD9 or 0xDA) return null; // end of image or scan data before any frame header
            var length = BinaryPrimitives.ReadUInt16BigEndian(data[at..]);
            if (length < 2 || at + length > data.Length) return null;
            var segment = data.Slice(at + 2, length - 2);
            if (IsStartOfFrame(marker))
            {
                if (segment.Length < 5) return null;
                var height = BinaryPrimitives.ReadUInt16BigEndian(segment[1..]);
                var width = BinaryPrimitives.ReadUInt16BigEndian(segment[3..]);
                return width == 0 || height == 0 ? null : ImageSize.Oriented(width, height, orientation);
            }
            if (marker == 0xE1 && !exifSeen && segment.StartsWith("Exif\0\0"u8))
            {
                exifSeen = true;
                orientation = ExifOrientation.Read(segment[6..]);
            }
            at += length;
        }
        return null;
    }

    /// <summary>SOF0–SOF15, except DHT (C4), JPG (C8) and DAC (CC), which share the range.</summary>
    private static bool IsStartOfFrame(byte marker) => marker is >= 0xC0 and <= 0xCF and not (0xC4 or 0xC8 or 0xCC);
}
