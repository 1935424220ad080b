using System.Globalization;

namespace RunHub.Media;

/// <summary>The largest file a media parameter takes, and the reading that enforces it.</summary>
internal readonly record struct SizeLimit(double Megabytes)
{
    public const double DefaultMegabytes = 10;

    public long Bytes => (long)(Megabytes * 1024 * 1024);

    public static SizeLimit For(double? maxSizeMb) => new(maxSizeMb is > 0 ? maxSizeMb.Value : DefaultMegabytes);

    public FetchRefusedException TooLarge() =>
        new($"file is larger than {Megabytes.ToString("0.##", CultureInfo.InvariantCulture)} MB");

    /// <summary>
    /// Reads the whole stream, asking it for at most one byte more than the limit and never growing the
    /// buffer past that, so an endless or oversized body costs no more memory than the largest accepted file.
    /// </summary>
    public async Task<byte[]> ReadAllAsync(Stream stream, long? lengthHint, CancellationToken cancellationToken)
    {
        var limit = Bytes;
        if (lengthHint > limit) throw TooLarge();

        using var buffer = new MemoryStream(lengthHint is > 0 ? (int)lengthHint.Value : 0);
        var chunk = new byte[81920];
        while (true)
        {
            var wanted = (int)Math.Min(chunk.Length, limit + 1 - buffer.Length);
            var read = await stream.ReadAsync(chunk.AsMemory(0, wanted), cancellationToken);
            if (read == 0) return buffer.Length == buffer.Capacity ? buffer.GetBuffer() : buffer.ToArray();
            if (buffer.Length + read > buffer.Capacity)
                buffer.Capacity = (int)Math.Min(Math.Max(buffer.Capacity * 2L, buffer.Length + read), Math.Min(limit + 1, Array.MaxLength));
            buffer.Write(chunk, 0, read);
            if (buffer.Length > limit) throw TooLarge();
        }
    }
}
