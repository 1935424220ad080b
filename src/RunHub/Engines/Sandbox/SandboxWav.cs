using System.Buffers.Binary;
using System.Text;

namespace RunHub.Engines.Sandbox;

/// <summary>
/// Writes 16-bit PCM mono WAV (RIFF WAVE, <c>fmt </c> + <c>data</c>) with a <c>LIST INFO</c> chunk whose <c>ISFT</c>
/// (software) and <c>ICMT</c> (comment) carry the sandbox's mark. 44 bytes of header are not worth a dependency.
/// </summary>
internal static class SandboxWav
{
    public static byte[] Write(short[] samples, int sampleRate, string comment)
    {
        var info = InfoChunk(comment);
        var dataBytes = samples.Length * 2;
        var output = new byte[12 + 24 + info.Length + 8 + dataBytes];
        var span = output.AsSpan();
        "RIFF"u8.CopyTo(span);
        BinaryPrimitives.WriteUInt32LittleEndian(span[4..], (uint)(output.Length - 8));
        "WAVE"u8.CopyTo(span[8..]);

        var fmt = span[12..];
        "fmt "u8.CopyTo(fmt);
        BinaryPrimitives.WriteUInt32LittleEndian(fmt[4..], 16);
        BinaryPrimitives.WriteUInt16LittleEndian(fmt[8..], 1);                  // PCM
        BinaryPrimitives.WriteUInt16LittleEndian(fmt[10..], 1);                 // mono
        BinaryPrimitives.WriteUInt32LittleEndian(fmt[12..], (uint)sampleRate);
        BinaryPrimitives.WriteUInt32LittleEndian(fmt[16..], (uint)sampleRate * 2);
        BinaryPrimitives.WriteUInt16LittleEndian(fmt[20..], 2);                 // block align
        BinaryPrimitives.WriteUInt16LittleEndian(fmt[22..], 16);                // bits per sample

        info.CopyTo(span[36..]);
        var data = span[(36 + info.Length)..];
        "data"u8.CopyTo(data);
        BinaryPrimitives.WriteUInt32LittleEndian(data[4..], (uint)dataBytes);
        for (var i = 0; i < samples.Length; i++)
            BinaryPrimitives.WriteInt16LittleEndian(data[(8 + i * 2)..], samples[i]);
        return output;
    }

    private static byte[] InfoChunk(string comment)
    {
        using var body = new MemoryStream();
        body.Write("INFO"u8);
        SubChunk(body, "ISFT"u8, SandboxMark.Software);
        SubChunk(body, "ICMT"u8, comment);
        var content = body.ToArray();
        var chunk = new byte[8 + content.Length];
        "LIST"u8.CopyTo(chunk);
        BinaryPrimitives.WriteUInt32LittleEndian(chunk.AsSpan(4), (uint)content.Length);
        content.CopyTo(chunk, 8);
        return chunk;
    }

    private static void SubChunk(Stream output, ReadOnlySpan<byte> id, string text)
    {
        // Zero-terminated, padded to an even length, as RIFF requires.
        var bytes = Encoding.Latin1.GetBytes(text + "\0");
        Span<byte> size = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32LittleEndian(size, (uint)bytes.Length);
        output.Write(id);
        output.Write(size);
        output.Write(bytes);
        if (bytes.Length % 2 == 1) output.WriteByte(0);
    }
}
