using System.Buffers;
using System.Globalization;
using System.Text;

namespace RunHub.Media;

/// <summary>
/// Decodes <c>data:</c> URLs (RFC 2397), base64 or percent-encoded. The declared media type is ignored:
/// the bytes are probed like any other input.
/// </summary>
internal static class DataUri
{
    /// <summary>The largest decode (bytes) done in a buffer of <see cref="ArrayPool{T}.Shared"/>.</summary>
    private const int PooledDecodeBytes = 64 * 1024;

    public static bool IsDataUri(string url) => url.StartsWith("data:", StringComparison.OrdinalIgnoreCase);

    /// <summary>
    /// How many bytes <paramref name="url"/> decodes to (bytes), counted without decoding: for base64 three per four
    /// significant characters less the padding (a <c>%XX</c> escape is one character, whitespace none), otherwise
    /// one per character or escape (UTF-8 bytes for characters outside ASCII). Null when it is not a data: URL.
    /// </summary>
    public static long? DecodedLength(string url)
    {
        var comma = url.IndexOf(',', StringComparison.Ordinal);
        if (!IsDataUri(url) || comma < 0) return null;
        var payload = url.AsSpan(comma + 1);
        if (url.AsSpan(5, comma - 5).EndsWith(";base64", StringComparison.OrdinalIgnoreCase))
        {
            long significant = 0, padding = 0;
            for (var i = 0; i < payload.Length; i++)
            {
                var c = payload[i];
                if (c == '%' && i + 2 < payload.Length)
                {
                    c = payload.Slice(i + 1, 2).Equals("3D", StringComparison.OrdinalIgnoreCase) ? '=' : 'A';
                    i += 2;
                }
                if (c is ' ' or '\t' or '\r' or '\n') continue;
                significant++;
                padding = c == '=' ? padding + 1 : 0;
            }
            return Math.Max(0, significant / 4 * 3 - Math.Min(padding, 2));
        }
        long bytes = 0;
        for (var i = 0; i < payload.Length; i++)
        {
            if (payload[i] == '%' && i + 2 < payload.Length) i += 2;
            else if (char.IsHighSurrogate(payload[i])) { bytes += 3; i++; }
            else if (payload[i] >= 0x800) bytes += 2;
            else if (payload[i] >= 0x80) bytes += 1;
            bytes++;
        }
        return bytes;
    }

    public static byte[] Decode(string url, SizeLimit limit)
    {
        var comma = url.IndexOf(',', StringComparison.Ordinal);
        if (!IsDataUri(url) || comma < 0) throw new FetchRefusedException("not a valid data: URL");

        var header = url.AsSpan(5, comma - 5);
        var payload = url.AsSpan(comma + 1);
        return header.EndsWith(";base64", StringComparison.OrdinalIgnoreCase)
            ? DecodeBase64(payload, limit)
            : DecodePercent(payload, limit);
    }

    private static byte[] DecodeBase64(ReadOnlySpan<char> payload, SizeLimit limit)
    {
        // Some clients percent-encode '+', '/' and '='; base64 itself never contains '%'.
        var text = payload.Contains('%') ? Uri.UnescapeDataString(payload.ToString()).AsSpan() : payload;
        // Line breaks are legal in base64 and must not count towards the size.
        var significant = (long)text.Length - text.Count('\n') - text.Count('\r') - text.Count(' ') - text.Count('\t');
        if (significant / 4 * 3 - 2 > limit.Bytes) throw limit.TooLarge();

        var room = (int)(significant / 4 * 3 + 3);
        // A small input is decoded into a pooled buffer and copied out at its exact size (one array, not two); a large
        // one is not, so the pool never keeps megabytes.
        var buffer = room <= PooledDecodeBytes ? ArrayPool<byte>.Shared.Rent(room) : new byte[room];
        try
        {
            if (!Convert.TryFromBase64Chars(text, buffer, out var written))
                throw new FetchRefusedException("the data: URL is not valid base64");
            if (written > limit.Bytes) throw limit.TooLarge();
            return buffer.AsSpan(0, written).ToArray();
        }
        finally
        {
            if (room <= PooledDecodeBytes) ArrayPool<byte>.Shared.Return(buffer, clearArray: true);
        }
    }

    private static byte[] DecodePercent(ReadOnlySpan<char> payload, SizeLimit limit)
    {
        using var bytes = new MemoryStream();
        Span<byte> utf8 = stackalloc byte[4];
        for (var i = 0; i < payload.Length; i++)
        {
            if (payload[i] == '%')
            {
                if (i + 2 >= payload.Length ||
                    !byte.TryParse(payload.Slice(i + 1, 2), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var b))
                    throw new FetchRefusedException("the data: URL has a malformed percent escape");
                bytes.WriteByte(b);
                i += 2;
            }
            else
            {
                // Characters outside ASCII stand for their UTF-8 bytes (RFC 3986 percent-encoding is over UTF-8).
                Rune.DecodeFromUtf16(payload[i..], out var rune, out var consumed);
                bytes.Write(utf8[..rune.EncodeToUtf8(utf8)]);
                i += consumed - 1;
            }
            if (bytes.Length > limit.Bytes) throw limit.TooLarge();
        }
        return bytes.ToArray();
    }
}
