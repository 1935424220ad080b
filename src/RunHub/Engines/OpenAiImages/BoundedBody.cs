using RunHub.Client;
using RunHub.Api;

namespace RunHub.Engines.OpenAiImages;

/// <summary>Reads a backend's answer into memory without ever holding more than a set number of bytes.</summary>
internal static class BoundedBody
{
    /// <summary>The whole body; longer than <paramref name="limit"/> is an <see cref="EngineException"/> 1012 naming <paramref name="what"/>.</summary>
    public static async Task<byte[]> ReadAllAsync(Stream stream, long? lengthHint, long limit, string what, CancellationToken cancellationToken)
    {
        if (lengthHint > limit) throw TooLarge(what, limit);
        using var buffer = new MemoryStream(lengthHint is > 0 ? (int)lengthHint.Value : 0);
        var chunk = new byte[81920];
        while (true)
        {
            var wanted = (int)Math.Min(chunk.Length, limit + 1 - buffer.Length);
            var read = await stream.ReadAsync(chunk.AsMemory(0, wanted), cancellationToken);
            if (read == 0) return buffer.ToArray();
            buffer.Write(chunk, 0, read);
            if (buffer.Length > limit) throw TooLarge(what, limit);
        }
    }

    /// <summary>At most the first <paramref name="limit"/> bytes, the rest left unread (for error bodies, where a prefix is enough).</summary>
    public static async Task<byte[]> ReadPrefixAsync(Stream stream, int limit, CancellationToken cancellationToken)
    {
        var buffer = new byte[limit];
        var total = 0;
        while (total < limit)
        {
            var read = await stream.ReadAsync(buffer.AsMemory(total, limit - total), cancellationToken);
            if (read == 0) break;
            total += read;
        }
        return buffer[..total];
    }

    private static EngineException TooLarge(string what, long limit) =>
        new(RunHubErrorCodes.UpstreamError, $"{what} is larger than {limit / (1024 * 1024)} MB; it was not read");
}
