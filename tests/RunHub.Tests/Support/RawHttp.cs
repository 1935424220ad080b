using System.Net.Sockets;
using System.Text;
using System.Text.Json;

namespace RunHub.Tests.Support;

/// <summary>
/// HTTP/1.1 over a bare socket, for what HttpClient cannot do: declare a body far larger than what is then sent, and
/// read the answer a server gives before the rest arrives (proof that it did not wait to read the body); send one
/// header name on several lines (HttpClient joins a header's values into one line).
/// </summary>
internal static class RawHttp
{
    /// <summary>Sends a whole request (its headers in the order given, a name as often as it comes) and reads the answer.</summary>
    public static Task<(int Status, JsonElement Body)> SendAsync(string baseUrl, string path, IEnumerable<KeyValuePair<string, string>> headers,
        byte[] body, TimeSpan timeout, string method = "POST") =>
        SendPartialAsync(baseUrl, path, headers, body.Length, body, timeout, method);

    /// <summary>Sends the request head and <paramref name="bodyStart"/>, then reads the answer without sending more.</summary>
    /// <param name="declaredLength">The Content-Length header, or null to send the body chunked (one chunk, never ended).</param>
    public static async Task<(int Status, JsonElement Body)> SendPartialAsync(string baseUrl, string path, IEnumerable<KeyValuePair<string, string>> headers,
        long? declaredLength, byte[] bodyStart, TimeSpan timeout, string method = "POST")
    {
        var uri = new Uri(baseUrl);
        using var client = new TcpClient();
        using var cancel = new CancellationTokenSource(timeout);
        await client.ConnectAsync(uri.Host, uri.Port, cancel.Token);
        var stream = client.GetStream();
        var head = new StringBuilder($"{method} {path} HTTP/1.1\r\nHost: {uri.Authority}\r\n");
        foreach (var (name, value) in headers) head.Append(name).Append(": ").Append(value).Append("\r\n");
        head.Append(declaredLength is { } length ? $"Content-Length: {length}\r\n" : "Transfer-Encoding: chunked\r\n").Append("\r\n");
        await stream.WriteAsync(Encoding.ASCII.GetBytes(head.ToString()), cancel.Token);
        if (declaredLength is null) await stream.WriteAsync(Encoding.ASCII.GetBytes($"{bodyStart.Length:x}\r\n"), cancel.Token);
        await stream.WriteAsync(bodyStart, cancel.Token);
        if (declaredLength is null) await stream.WriteAsync("\r\n"u8.ToArray(), cancel.Token);
        await stream.FlushAsync(cancel.Token);
        return await ReadResponseAsync(stream, cancel.Token);
    }

    private static async Task<(int Status, JsonElement Body)> ReadResponseAsync(NetworkStream stream, CancellationToken cancellationToken)
    {
        var buffer = new List<byte>();
        var chunk = new byte[8192];
        int headEnd;
        while ((headEnd = IndexOf(buffer, "\r\n\r\n"u8)) < 0)
            buffer.AddRange(chunk[..await ReadSomeAsync(stream, chunk, cancellationToken)]);
        var head = Encoding.ASCII.GetString(buffer.ToArray(), 0, headEnd);
        var status = int.Parse(head.Split(' ')[1], System.Globalization.CultureInfo.InvariantCulture);
        var rest = buffer.Skip(headEnd + 4).ToList();
        var lines = head.Split("\r\n");
        var contentLength = lines.Select(l => l.Split(':', 2)).Where(p => p.Length == 2 && p[0].Trim().Equals("Content-Length", StringComparison.OrdinalIgnoreCase))
            .Select(p => int.Parse(p[1].Trim(), System.Globalization.CultureInfo.InvariantCulture)).Cast<int?>().FirstOrDefault();
        byte[] body;
        if (contentLength is { } n)
        {
            while (rest.Count < n) rest.AddRange(chunk[..await ReadSomeAsync(stream, chunk, cancellationToken)]);
            body = rest.Take(n).ToArray();
        }
        else
        {
            // Chunked: read until the last chunk (size 0) has arrived, then decode.
            while (IndexOf(rest, "\r\n0\r\n\r\n"u8) < 0 && !StartsWithLastChunk(rest))
                rest.AddRange(chunk[..await ReadSomeAsync(stream, chunk, cancellationToken)]);
            body = Dechunk(rest.ToArray());
        }
        using var document = JsonDocument.Parse(body);
        return (status, document.RootElement.Clone());
    }

    private static async Task<int> ReadSomeAsync(NetworkStream stream, byte[] chunk, CancellationToken cancellationToken)
    {
        var read = await stream.ReadAsync(chunk, cancellationToken);
        if (read == 0) throw new IOException("the server closed the connection before it answered");
        return read;
    }

    private static bool StartsWithLastChunk(List<byte> data) => data.Count >= 5 && IndexOf(data, "0\r\n\r\n"u8) == 0;

    private static byte[] Dechunk(byte[] data)
    {
        var output = new List<byte>();
        var position = 0;
        while (true)
        {
            var lineEnd = IndexOf(data.Skip(position).ToList(), "\r\n"u8) + position;
            var size = Convert.ToInt32(Encoding.ASCII.GetString(data, position, lineEnd - position).Split(';')[0], 16);
            if (size == 0) return output.ToArray();
            output.AddRange(data.Skip(lineEnd + 2).Take(size));
            position = lineEnd + 2 + size + 2;
        }
    }

    private static int IndexOf(List<byte> data, ReadOnlySpan<byte> pattern) => data.ToArray().AsSpan().IndexOf(pattern);
}
