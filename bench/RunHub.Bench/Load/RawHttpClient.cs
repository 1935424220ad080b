using System.Text;

namespace RunHub.Bench.Load;

/// <summary>
/// The open loop's cheap HTTP client (docs/performance.md, "A cheaper load generator"): at most <c>connections</c>
/// keep-alive HTTP/1.1 connections to one server (<see cref="RawHttpConnection"/>), requests whose bytes are built
/// once (<see cref="Post"/>), and answers read for their status, framing and one expected byte string, nothing else.
/// <see cref="BenchClient"/>'s <see cref="HttpClient"/> costs about as much CPU per request as the server spends
/// answering it; on two cores that CPU is the server's.
/// <para>A request waits for a free connection when all are busy (and that wait counts in its latency, as the
/// pooled <see cref="HttpClient"/>'s does); the most recently used connection is taken first. Every call ends: a
/// watchdog closes a connection whose answer has not come within <see cref="Timeout"/>.</para>
/// </summary>
internal sealed class RawHttpClient : IDisposable
{
    /// <summary>The longest a call waits for its answer once sent (as <see cref="BenchClient"/>'s 30 s).</summary>
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    private readonly string _host;
    private readonly int _port;
    private readonly RawHttpConnection[] _all;
    private readonly Stack<RawHttpConnection> _idle;
    private readonly Queue<TaskCompletionSource<RawHttpConnection>> _waiting = new();
    private readonly Timer _watchdog;

    /// <param name="baseUrl">The server, <c>http://host:port</c> (no TLS: the bench's servers listen on loopback).</param>
    /// <param name="connections">At most this many connections, opened as they are first needed.</param>
    public RawHttpClient(string baseUrl, int connections)
    {
        var uri = new Uri(baseUrl);
        if (uri.Scheme != Uri.UriSchemeHttp) throw new ArgumentException($"only http:// servers: {baseUrl}", nameof(baseUrl));
        (_host, _port) = (uri.Host, uri.Port);
        _all = [.. Enumerable.Range(0, Math.Max(1, connections)).Select(_ => new RawHttpConnection(_host, _port))];
        _idle = new Stack<RawHttpConnection>(_all.Reverse());
        _watchdog = new Timer(_ =>
        {
            foreach (var connection in _all) connection.AbortIfStuck(Timeout);
        }, null, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(1));
    }

    /// <summary>How many connections were opened in all: the connections used, unless the server closed some.</summary>
    public int ConnectionsOpened => _all.Sum(c => c.Opened);

    /// <summary>The bytes of <c>POST path</c> with a Bearer key and a JSON body, built once and sent as they are.</summary>
    public byte[] Post(string path, string apiKey, ReadOnlySpan<byte> jsonBody)
    {
        var head = Encoding.ASCII.GetBytes(
            $"POST {path} HTTP/1.1\r\nHost: {_host}:{_port}\r\nAuthorization: Bearer {apiKey}\r\nContent-Type: application/json\r\nContent-Length: {jsonBody.Length}\r\n\r\n");
        return [.. head, .. jsonBody];
    }

    /// <summary>
    /// Sends <paramref name="request"/> (from <see cref="Post"/>) and succeeds when the answer is 200 with
    /// <paramref name="expected"/> in its body; any other answer is an error naming <paramref name="what"/>, the
    /// status and the body's start.
    /// </summary>
    /// <exception cref="IOException">No answer: the connection failed or closed, the answer was malformed, or it
    /// did not come within <see cref="Timeout"/> (the load loops count these as errors).</exception>
    public async Task<CallResult> SendAsync(byte[] request, byte[] expected, string what)
    {
        var connection = await RentAsync();
        try
        {
            var answer = await connection.ExchangeAsync(request);
            var body = connection.Body(answer);
            if (answer.Status != 200) return CallResult.Failed($"{what}: HTTP {answer.Status}: {Shorten(body)}");
            return body.IndexOf(expected) >= 0 ? CallResult.Success : CallResult.Failed($"{what}: {Shorten(body)}");
        }
        finally
        {
            Return(connection);
        }
    }

    public void Dispose()
    {
        _watchdog.Dispose();
        foreach (var connection in _all) connection.Dispose();
    }

    private ValueTask<RawHttpConnection> RentAsync()
    {
        lock (_idle)
        {
            if (_idle.TryPop(out var idle)) return ValueTask.FromResult(idle);
            var waiter = new TaskCompletionSource<RawHttpConnection>(TaskCreationOptions.RunContinuationsAsynchronously);
            _waiting.Enqueue(waiter);
            return new ValueTask<RawHttpConnection>(waiter.Task);
        }
    }

    private void Return(RawHttpConnection connection)
    {
        TaskCompletionSource<RawHttpConnection>? waiter;
        lock (_idle)
        {
            if (!_waiting.TryDequeue(out waiter))
            {
                _idle.Push(connection);
                return;
            }
        }
        waiter.SetResult(connection);
    }

    private static string Shorten(ReadOnlySpan<byte> body)
    {
        var text = Encoding.UTF8.GetString(body[..Math.Min(body.Length, 300)]);
        return body.Length > 300 ? text + "…" : text;
    }
}
