using System.Buffers.Binary;
using System.Text;

namespace RunHub.Engines.Sandbox;

/// <summary>
/// Splices metadata into encoded JPEG and WebP files, since Skia's encoders write none: a JPEG <c>COM</c> segment
/// (ITU T.81 B.2.4.5) after the JFIF/Exif APP segments, and a WebP <c>XMP </c> chunk behind a <c>VP8X</c> header
/// (Google's WebP container specification, "Extended File Format").
/// </summary>
internal static class ImageMetadata
{
    /// <summary>The JPEG with a COM segment holding <paramref name="comment"/> (Latin-1, at most 65,533 bytes).</summary>
    public static byte[] AddJpegComment(byte[] jpeg, string comment)
    {
        if (jpeg.Length < 4 || jpeg[0] != 0xFF || jpeg[1] != 0xD8) throw new ArgumentException("Not a JPEG.", nameof(jpeg));
        // Leading APPn segments (JFIF must come first) stay in front of the comment.
        var at = 2;
        while (at + 4 <= jpeg.Length && jpeg[at] == 0xFF && jpeg[at + 1] is >= 0xE0 and <= 0xEF)
            at += 2 + BinaryPrimitives.ReadUInt16BigEndian(jpeg.AsSpan(at + 2));
        var text = Encoding.Latin1.GetBytes(comment);
        if (text.Length > 65533) throw new ArgumentException("Comment too long for one COM segment.", nameof(comment));

        var output = new byte[jpeg.Length + 4 + text.Length];
        jpeg.AsSpan(0, at).CopyTo(output);
        output[at] = 0xFF;
        output[at + 1] = 0xFE;
        BinaryPrimitives.WriteUInt16BigEndian(output.AsSpan(at + 2), (ushort)(text.Length + 2));
        text.CopyTo(output.AsSpan(at + 4));
        jpeg.AsSpan(at).CopyTo(output.AsSpan(at + 4 + text.Length));
        return output;
    }

    /// <summary>The simple-format WebP (one VP8 or VP8L chunk) turned into the extended format with an XMP chunk.</summary>
    public static byte[] AddWebpXmp(byte[] webp, int width, int height, string xmp)
    {
        if (webp.Length < 20 || !webp.AsSpan(0, 4).SequenceEqual("RIFF"u8) || !webp.AsSpan(8, 4).SequenceEqual("WEBP"u8))
            throw new ArgumentException("Not a WebP file.", nameof(webp));
        var image = webp.AsSpan(12);
        if (image.StartsWith("VP8X"u8)) throw new ArgumentException("Already an extended WebP file.", nameof(webp));

        var xmpBytes = Encoding.UTF8.GetBytes(xmp);
        using var output = new MemoryStream(webp.Length + xmpBytes.Length + 64);
        output.Write("RIFF"u8);
        output.Write(new byte[4]);               // the size, filled in at the end
        output.Write("WEBP"u8);

        Span<byte> vp8x = stackalloc byte[10];
        vp8x[0] = 0x04;                          // the XMP flag; no alpha, animation, ICC or Exif
        WriteUInt24(vp8x[4..], width - 1);
        WriteUInt24(vp8x[7..], height - 1);
        WriteChunk(output, "VP8X"u8, vp8x);
        output.Write(image);                     // the VP8/VP8L chunk, padding included
        WriteChunk(output, "XMP "u8, xmpBytes);

        var bytes = output.ToArray();
        BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(4), (uint)(bytes.Length - 8));
        return bytes;
    }

    private static void WriteChunk(Stream output, ReadOnlySpan<byte> fourCc, ReadOnlySpan<byte> data)
    {
        Span<byte> size = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32LittleEndian(size, (uint)data.Length);
        output.Write(fourCc);
        output.Write(size);
        output.Write(data);
        if (data.Length % 2 == 1) output.WriteByte(0);
    }

    private static void WriteUInt24(Span<byte> target, int value)
    {
        target[0] = (byte)value;
        target[1] = (byte)(value >> 8);
        target[2] = (byte)(value >> 16);
    }
}
