using System.Buffers.Binary;
using System.Text;

namespace RunHub.Engines.Sandbox;

/// <summary>
/// Adds PNG <c>tEXt</c> chunks to an encoded PNG. Skia's encoder has no metadata option, so the chunks
/// are spliced in right after IHDR, where every PNG reader looks for them first.
/// </summary>
internal static class PngTextChunks
{
    private static readonly byte[] Signature = [0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A];

    // Signature, then IHDR: length (4) + type (4) + 13 data bytes + CRC (4).
    private const int HeaderEnd = 8 + 4 + 4 + 13 + 4;

    public static byte[] InsertAfterHeader(byte[] png, IReadOnlyList<KeyValuePair<string, string>> entries)
    {
        if (png.Length < HeaderEnd || !png.AsSpan(0, 8).SequenceEqual(Signature) || !png.AsSpan(12, 4).SequenceEqual("IHDR"u8))
            throw new ArgumentException("Not a PNG that starts with IHDR.", nameof(png));

        using var output = new MemoryStream(png.Length + 256);
        output.Write(png, 0, HeaderEnd);
        foreach (var (keyword, text) in entries)
            WriteTextChunk(output, keyword, text);
        output.Write(png, HeaderEnd, png.Length - HeaderEnd);
        return output.ToArray();
    }

    private static void WriteTextChunk(Stream output, string keyword, string text)
    {
        // tEXt is Latin-1 with a 1-79 byte keyword; refusing anything else keeps the file valid for strict readers.
        if (keyword.Length is < 1 or > 79 || !IsLatin1(keyword) || !IsLatin1(text) || keyword.Contains('\0', StringComparison.Ordinal) || text.Contains('\0', StringComparison.Ordinal))
            throw new ArgumentException($"'{keyword}' is not a valid PNG tEXt entry.", nameof(keyword));

        var data = new byte[keyword.Length + 1 + text.Length];
        Encoding.Latin1.GetBytes(keyword, data);
        Encoding.Latin1.GetBytes(text, data.AsSpan(keyword.Length + 1));

        Span<byte> word = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(word, (uint)data.Length);
        output.Write(word);
        output.Write("tEXt"u8);
        output.Write(data);
        var crc = PngCrc32.Append(PngCrc32.Append(0xFFFFFFFFu, "tEXt"u8), data) ^ 0xFFFFFFFFu;
        BinaryPrimitives.WriteUInt32BigEndian(word, crc);
        output.Write(word);
    }

    private static bool IsLatin1(string s)
    {
        foreach (var ch in s)
            if (ch > 0xFF) return false;
        return true;
    }
}
