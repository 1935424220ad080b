using System.Net;
using System.Net.Sockets;
using System.Text;

namespace RunHub.Tests.Media.Support;

/// <summary>
/// A bare TCP server on 127.0.0.1 that reads a request's headers and then lets the test write whatever
/// bytes it likes, including responses no real HTTP server would send (a Content-Length that lies).
/// </summary>
internal sealed class RawHttpServer : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _accepting;
    private int _connections;

    private RawHttpServer(Func<NetworkStream, CancellationToken, Task> respond)
    {
        _listener.Start();
        _accepting = AcceptAsync(respond);
    }

    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;
    public int Connections => Volatile.Read(ref _connections);
    public string Url(string path = "/") => $"http://127.0.0.1:{Port}{path}";

    public static RawHttpServer Start(Func<NetworkStream, CancellationToken, Task> respond) => new(respond);

    public static async Task WriteAsync(NetworkStream stream, string text, CancellationToken cancellationToken) =>
        await stream.WriteAsync(Encoding.ASCII.GetBytes(text), cancellationToken);

    /// <summary>Waits until the client closes the connection (or the server stops).</summary>
    public static async Task WaitForCloseAsync(NetworkStream stream, CancellationToken cancellationToken)
    {
        var buffer = new byte[1024];
        while (await stream.ReadAsync(buffer, cancellationToken) > 0)
        {
        }
    }

    private async Task AcceptAsync(Func<NetworkStream, CancellationToken, Task> respond)
    {
        var handlers = new List<Task>();
        try
        {
            while (true)
            {
                var client = await _listener.AcceptTcpClientAsync(_stop.Token);
                Interlocked.Increment(ref _connections);
                handlers.Add(ServeAsync(client, respond));
            }
        }
        catch (Exception e) when (_stop.IsCancellationRequested && e is OperationCanceledException or InvalidOperationException or SocketException)
        {
            // Stopping the listener ends a pending accept with whichever of these the timing produces.
        }
        await Task.WhenAll(handlers);
    }

    private async Task ServeAsync(TcpClient client, Func<NetworkStream, CancellationToken, Task> respond)
    {
        using var _ = client;
        try
        {
            var stream = client.GetStream();
            await ReadHeadersAsync(stream, _stop.Token);
            await respond(stream, _stop.Token);
        }
        catch (Exception e) when (e is IOException or SocketException or OperationCanceledException)
        {
            // The fetcher hanging up early is the behaviour several tests are after.
        }
    }

    private static async Task ReadHeadersAsync(NetworkStream stream, CancellationToken cancellationToken)
    {
        var one = new byte[1];
        var last4 = 0u;
        while (last4 != 0x0D0A0D0Au)
        {
            if (await stream.ReadAsync(one, cancellationToken) == 0) throw new IOException("closed before the request ended");
            last4 = (last4 << 8) | one[0];
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        await _accepting;
        _stop.Dispose();
    }
}
