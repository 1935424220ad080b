using System.Buffers.Binary;

namespace RunHub.Media;

/// <summary>
/// The size of a HEIC or AVIF image: the largest <c>ispe</c> (image spatial extents) property in
/// <c>meta/iprp/ipco</c> (ISO/IEC 23008-12 §6.5.3), found by walking boxes by their sizes.
/// </summary>
internal static class IsoImageHeader
{
    public static ImageSize? Read(ReadOnlySpan<byte> data)
    {
        ImageSize? largest = null;
        foreach (var meta in Boxes(data, 0, data.Length, "meta"u8))
            // meta is a full box: version and flags come before its children.
            foreach (var iprp in Boxes(data, meta.Start + 4, meta.End, "iprp"u8))
                foreach (var ipco in Boxes(data, iprp.Start, iprp.End, "ipco"u8))
                    foreach (var ispe in Boxes(data, ipco.Start, ipco.End, "ispe"u8))
                    {
                        if (ispe.End - ispe.Start < 12) continue;
                        var width = BinaryPrimitives.ReadUInt32BigEndian(data[(int)(ispe.Start + 4)..]);
                        var height = BinaryPrimitives.ReadUInt32BigEndian(data[(int)(ispe.Start + 8)..]);
                        if (width is 0 or > int.MaxValue || height is 0 or > int.MaxValue) continue;
                        if (largest is not { } known || (long)width * height > (long)known.Width * known.Height)
                            largest = new ImageSize((int)width, (int)height);
                    }
        return largest;
    }

    private readonly record struct Box(long Start, long End);

    /// <summary>The contents of the boxes of <paramref name="type"/> directly inside [from, to).</summary>
    private static List<Box> Boxes(ReadOnlySpan<byte> data, long from, long to, ReadOnlySpan<byte> type)
    {
        var found = new List<Box>();
        var at = from;
        while (at + 8 <= to)
        {
            long size = BinaryPrimitives.ReadUInt32BigEndian(data[(int)at..]);
            var header = 8;
            if (size == 1)
            {
                if (at + 16 > to) break;
                var large = BinaryPrimitives.ReadUInt64BigEndian(data[(int)(at + 8)..]);
                if (large > (ulong)(to - at)) break;
                size = (long)large;
                header = 16;
            }
            else if (size == 0)
            {
                size = to - at;
            }
            if (size < header || at + size > to) break;
            if (data.Slice((int)at + 4, 4).SequenceEqual(type)) found.Add(new Box(at + header, at + size));
            at += size;
        }
        return found;
    }
}
