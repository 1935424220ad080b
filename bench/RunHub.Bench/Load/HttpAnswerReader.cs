using System.Buffers.Text;
using System.Text;

namespace RunHub.Bench.Load;

/// <summary>Where a buffer of received bytes stands: a whole answer, not yet one, or bytes no HTTP/1.1 server sends.</summary>
internal enum AnswerState
{
    Incomplete,
    Complete,
    Malformed,
}

/// <summary>
/// One HTTP/1.1 answer found at the start of a receive buffer: its status code, where its body lies in the buffer
/// (after <see cref="HttpAnswerReader.TryRead"/> has joined a chunked body's pieces in place) and whether the
/// connection may carry the next request.
/// </summary>
/// <param name="BodyStart">Offset of the body in the buffer, bytes.</param>
/// <param name="BodyLength">Length of the body, bytes (the chunks' sum for a chunked answer).</param>
/// <param name="KeepAlive">False when the server said <c>Connection: close</c>, answered as HTTP/1.0, or sent bytes
/// beyond the answer (the load generator never pipelines, so they cannot belong to a later request).</param>
internal readonly record struct HttpAnswer(int Status, int BodyStart, int BodyLength, bool KeepAlive);

/// <summary>
/// The least HTTP/1.1 answer parsing a load generator needs (RFC 9112): the status line, then of the headers only
/// <c>Content-Length</c>, <c>Transfer-Encoding: chunked</c> (Kestrel's framing for a body written without a length)
/// and <c>Connection</c>. Everything else is skipped, so reading an answer costs a few byte searches and no allocation.
/// An answer framed any other way (no length and not chunked: delimited by the connection's close) is malformed here,
/// since the generator keeps its connections open.
/// </summary>
internal static class HttpAnswerReader
{
    /// <summary>Headers longer than this (bytes) are malformed: a real server's answer to a query has a few hundred.</summary>
    public const int MaxHeaderBytes = 16 * 1024;

    private static ReadOnlySpan<byte> HeaderEnd => "\r\n\r\n"u8;
    private static ReadOnlySpan<byte> LineEnd => "\r\n"u8;

    /// <summary>
    /// Reads the answer at the start of <paramref name="received"/>. A complete chunked body is joined in place (its
    /// pieces moved down over the chunk sizes), which is why the span is writable.
    /// </summary>
    public static AnswerState TryRead(Span<byte> received, out HttpAnswer answer)
    {
        answer = default;
        var headerEnd = received.IndexOf(HeaderEnd);
        if (headerEnd < 0) return received.Length > MaxHeaderBytes ? AnswerState.Malformed : AnswerState.Incomplete;
        var head = received[..headerEnd];
        // "HTTP/1.1 200 OK": the version, a space, three digits.
        if (head.Length < 12 || !head.StartsWith("HTTP/1."u8) || head[8] != (byte)' '
            || !Utf8Parser.TryParse(head.Slice(9, 3), out int status, out var used) || used != 3) return AnswerState.Malformed;
        var keepAlive = head[7] == (byte)'1';
        long contentLength = -1;
        var chunked = false;
        var lineEnd = head.IndexOf(LineEnd);
        var rest = lineEnd < 0 ? [] : head[(lineEnd + 2)..];
        while (!rest.IsEmpty)
        {
            var end = rest.IndexOf(LineEnd);
            var line = end < 0 ? rest : rest[..end];
            rest = end < 0 ? [] : rest[(end + 2)..];
            var colon = line.IndexOf((byte)':');
            if (colon <= 0) return AnswerState.Malformed;
            var name = line[..colon];
            var value = line[(colon + 1)..].Trim((byte)' ');
            if (Ascii.EqualsIgnoreCase(name, "Content-Length"u8))
            {
                if (!Utf8Parser.TryParse(value, out contentLength, out var digits) || digits != value.Length || contentLength < 0) return AnswerState.Malformed;
            }
            else if (Ascii.EqualsIgnoreCase(name, "Transfer-Encoding"u8)) chunked = Ascii.EqualsIgnoreCase(value, "chunked"u8);
            else if (Ascii.EqualsIgnoreCase(name, "Connection"u8)) keepAlive = !Ascii.EqualsIgnoreCase(value, "close"u8);
        }
        var bodyStart = headerEnd + HeaderEnd.Length;
        int consumed;
        int bodyLength;
        if (chunked)
        {
            var state = JoinChunks(received, bodyStart, out bodyLength, out consumed);
            if (state != AnswerState.Complete) return state;
        }
        else if (contentLength >= 0)
        {
            if (received.Length - bodyStart < contentLength) return AnswerState.Incomplete;
            bodyLength = (int)contentLength;
            consumed = bodyStart + bodyLength;
        }
        else if (status is 204 or 304 || status < 200)
        {
            bodyLength = 0;
            consumed = bodyStart;
        }
        else return AnswerState.Malformed;
        answer = new HttpAnswer(status, bodyStart, bodyLength, keepAlive && consumed == received.Length);
        return AnswerState.Complete;
    }

    /// <summary>
    /// Walks the chunks from <paramref name="bodyStart"/> ("size in hex [;extensions] CRLF data CRLF", ending with a zero
    /// size and an empty trailer) and, once all have arrived, moves their data together right after the headers.
    /// </summary>
    private static AnswerState JoinChunks(Span<byte> received, int bodyStart, out int bodyLength, out int consumed)
    {
        (bodyLength, consumed) = (0, 0);
        // First check that the whole body is here, without moving anything: a later receive starts the walk again.
        var at = bodyStart;
        while (true)
        {
            var state = ReadChunkSize(received, at, out var size, out var dataStart);
            if (state != AnswerState.Complete) return state;
            if (size == 0)
            {
                // No trailers from the servers measured: the zero chunk is followed by the empty line.
                if (received.Length - dataStart < 2) return AnswerState.Incomplete;
                if (!received.Slice(dataStart, 2).SequenceEqual(LineEnd)) return AnswerState.Malformed;
                consumed = dataStart + 2;
                break;
            }
            if (received.Length - dataStart < size + 2) return AnswerState.Incomplete;
            if (!received.Slice(dataStart + size, 2).SequenceEqual(LineEnd)) return AnswerState.Malformed;
            at = dataStart + size + 2;
        }
        // Then join the data: each piece moves down (never up), so copying in order is safe.
        var write = bodyStart;
        at = bodyStart;
        while (true)
        {
            ReadChunkSize(received, at, out var size, out var dataStart);
            if (size == 0) break;
            received.Slice(dataStart, size).CopyTo(received[write..]);
            write += size;
            at = dataStart + size + 2;
        }
        bodyLength = write - bodyStart;
        return AnswerState.Complete;
    }

    private static AnswerState ReadChunkSize(Span<byte> received, int at, out int size, out int dataStart)
    {
        (size, dataStart) = (0, 0);
        var line = received[at..];
        var end = line.IndexOf(LineEnd);
        if (end < 0) return line.Length > 1024 ? AnswerState.Malformed : AnswerState.Incomplete;
        var digits = line[..end];
        var extension = digits.IndexOf((byte)';');
        if (extension >= 0) digits = digits[..extension];
        if (!Utf8Parser.TryParse(digits, out size, out var used, 'X') || used != digits.Length || size < 0) return AnswerState.Malformed;
        dataStart = at + end + 2;
        return AnswerState.Complete;
    }
}
