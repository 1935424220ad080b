using System.Diagnostics;
using System.Net.Sockets;

namespace RunHub.Bench.Load;

/// <summary>
/// One keep-alive HTTP/1.1 connection of <see cref="RawHttpClient"/> on a plain <see cref="Socket"/>: it sends
/// request bytes built once, receives into a buffer it keeps, and reads the answer with <see cref="HttpAnswerReader"/>.
/// One request at a time (no pipelining: an answer is never queued behind another's). It connects when first used,
/// and again after the server closed it; a request whose connection broke is not sent again — it failed.
/// </summary>
internal sealed class RawHttpConnection(string host, int port) : IDisposable
{
    /// <summary>An idle connection older than this is checked for a close by the server before it is used (ms).</summary>
    private const long IdleCheckMs = 1000;

    private const int MaxAnswerBytes = 1024 * 1024;

    private Socket? _socket;
    private byte[] _buffer = new byte[16 * 1024];
    private long _busySince;
    private long _idleSince;
    private volatile bool _timedOut;

    /// <summary>How many times this connection connected (1 when every request reused the first).</summary>
    public int Opened { get; private set; }

    /// <summary>
    /// Sends <paramref name="request"/> and reads one whole answer. The answer's body stays in this connection's
    /// buffer until the next exchange (<see cref="Body"/>).
    /// </summary>
    /// <exception cref="IOException">The connection failed, the server closed it before the answer was whole, the
    /// answer was not HTTP/1.1 this reader understands, or it did not come within the client's timeout. The
    /// connection is closed; the next exchange opens a new one.</exception>
    public async ValueTask<HttpAnswer> ExchangeAsync(ReadOnlyMemory<byte> request)
    {
        if (_socket is null || ClosedWhileIdle()) await ConnectAsync();
        var socket = _socket!;
        _timedOut = false;
        Volatile.Write(ref _busySince, Stopwatch.GetTimestamp());
        try
        {
            for (var sent = 0; sent < request.Length;)
                sent += await socket.SendAsync(request[sent..], SocketFlags.None);
            var received = 0;
            while (true)
            {
                if (received == _buffer.Length)
                {
                    if (_buffer.Length >= MaxAnswerBytes) throw Fail($"an answer longer than {MaxAnswerBytes} bytes");
                    Array.Resize(ref _buffer, _buffer.Length * 2);
                }
                var read = await socket.ReceiveAsync(_buffer.AsMemory(received), SocketFlags.None);
                if (read == 0) throw Fail(received == 0 ? "the server closed the connection without answering" : "the server closed the connection mid-answer");
                received += read;
                switch (HttpAnswerReader.TryRead(_buffer.AsSpan(0, received), out var answer))
                {
                    case AnswerState.Complete:
                        if (!answer.KeepAlive) Close();
                        return answer;
                    case AnswerState.Malformed:
                        throw Fail("an answer that is not HTTP/1.1 this client reads: " + Shorten(_buffer.AsSpan(0, received)));
                }
            }
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException)
        {
            throw Fail(_timedOut ? "no answer within the timeout" : "the connection broke: " + e.Message);
        }
        finally
        {
            Volatile.Write(ref _busySince, 0);
            _idleSince = Environment.TickCount64;
        }
    }

    /// <summary>The body of the last answer <see cref="ExchangeAsync"/> returned.</summary>
    public ReadOnlySpan<byte> Body(HttpAnswer answer) => _buffer.AsSpan(answer.BodyStart, answer.BodyLength);

    /// <summary>Closes the connection when a request has been waiting longer than <paramref name="timeout"/>; its
    /// exchange then fails with "no answer within the timeout". Called from the client's watchdog thread.</summary>
    public void AbortIfStuck(TimeSpan timeout)
    {
        var since = Volatile.Read(ref _busySince);
        if (since == 0 || Stopwatch.GetElapsedTime(since) < timeout) return;
        _timedOut = true;
        _socket?.Dispose();
    }

    public void Dispose() => Close();

    private async ValueTask ConnectAsync()
    {
        Close();
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(host, port);
        }
        catch (SocketException e)
        {
            socket.Dispose();
            throw new IOException($"cannot connect to {host}:{port}: {e.Message}", e);
        }
        _socket = socket;
        Opened++;
    }

    /// <summary>Whether an idle connection was closed by the server meanwhile (its keep-alive timeout): such a
    /// connection is replaced before the request is sent, as any HTTP client does. Checked only after a second idle.</summary>
    private bool ClosedWhileIdle()
    {
        if (Environment.TickCount64 - _idleSince < IdleCheckMs) return false;
        try
        {
            return _socket!.Poll(0, SelectMode.SelectRead) && _socket.Available == 0;
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException)
        {
            return true;
        }
    }

    private IOException Fail(string why)
    {
        Close();
        return new IOException(why);
    }

    private void Close()
    {
        _socket?.Dispose();
        _socket = null;
    }

    private static string Shorten(ReadOnlySpan<byte> bytes) =>
        System.Text.Encoding.ASCII.GetString(bytes[..Math.Min(bytes.Length, 200)]).ReplaceLineEndings(" ");
}
