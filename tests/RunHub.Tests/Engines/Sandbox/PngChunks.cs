using System.Buffers.Binary;
using System.Text;
using RunHub.Engines.Sandbox;

namespace RunHub.Tests.Engines.Sandbox;

/// <summary>A minimal PNG chunk reader for asserting on what the sandbox wrote, CRCs included.</summary>
internal static class PngChunks
{
    public sealed record Chunk(string Type, byte[] Data, bool CrcValid);

    public static IReadOnlyList<Chunk> Read(byte[] png)
    {
        Assert.Equal([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A], png.Take(8));
        var chunks = new List<Chunk>();
        var offset = 8;
        while (offset < png.Length)
        {
            var length = (int)BinaryPrimitives.ReadUInt32BigEndian(png.AsSpan(offset));
            var typeAndData = png.AsSpan(offset + 4, 4 + length);
            var crc = BinaryPrimitives.ReadUInt32BigEndian(png.AsSpan(offset + 8 + length));
            chunks.Add(new Chunk(Encoding.ASCII.GetString(typeAndData[..4]), typeAndData[4..].ToArray(), PngCrc32.Compute(typeAndData) == crc));
            offset += 12 + length;
        }
        return chunks;
    }

    /// <summary>The <c>tEXt</c> entries, keyword to text.</summary>
    public static IReadOnlyDictionary<string, string> TextEntries(byte[] png) =>
        Read(png).Where(c => c.Type == "tEXt").Select(c =>
        {
            var zero = Array.IndexOf(c.Data, (byte)0);
            return KeyValuePair.Create(Encoding.Latin1.GetString(c.Data, 0, zero), Encoding.Latin1.GetString(c.Data, zero + 1, c.Data.Length - zero - 1));
        }).ToDictionary();
}
