using System.Net;
using System.Net.Sockets;
using RunHub.Media;

namespace RunHub.Tests.Media;

/// <summary>
/// A server that resets a new connection before SocketsHttpHandler reads its remote address: what a ComfyUI server
/// behind a cut relay did in CI (2026-12-01), where the bare SocketException ended the task with 1005 instead of 1012.
/// </summary>
public sealed class SocketErrorWrappingHandlerTests : IDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);

    public SocketErrorWrappingHandlerTests() => _listener.Start();

    public void Dispose() => _listener.Dispose();

    private string Url => $"http://127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}/system_stats";

    /// <summary>
    /// Connects as SocketsHttpHandler does (to the DNS end point), has the listener reset the connection, and hands the
    /// socket over once the reset has arrived: polling changes no state, so the socket still counts as connected.
    /// </summary>
    private SocketsHttpHandler ResetBeforeTheAddressIsRead() => new()
    {
        ConnectCallback = async (context, cancellationToken) =>
        {
            var socket = new Socket(SocketType.Stream, ProtocolType.Tcp);
            var accepting = _listener.AcceptSocketAsync(cancellationToken);
            await socket.ConnectAsync(context.DnsEndPoint, cancellationToken);
            using (var accepted = await accepting)
                accepted.LingerState = new LingerOption(true, 0);
            while (!socket.Poll(TimeSpan.FromSeconds(1), SelectMode.SelectRead)) cancellationToken.ThrowIfCancellationRequested();
            return new NetworkStream(socket, ownsSocket: true);
        },
    };

    [Fact]
    public async Task Without_it_the_reset_escapes_HttpClient_as_a_bare_socket_error()
    {
        using var http = new HttpClient(ResetBeforeTheAddressIsRead());
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));

        // If this fails, .NET wraps this error itself now and SocketErrorWrappingHandler is no longer needed.
        var error = await Assert.ThrowsAsync<SocketException>(() => http.GetAsync(Url, timeout.Token));
        Assert.Equal(SocketError.NotConnected, error.SocketErrorCode);
    }

    [Fact]
    public async Task A_connection_reset_before_its_address_is_read_is_an_HttpRequestException_naming_the_server()
    {
        using var http = new HttpClient(new SocketErrorWrappingHandler(ResetBeforeTheAddressIsRead()));
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));

        var error = await Assert.ThrowsAsync<HttpRequestException>(() => http.GetAsync(Url, timeout.Token));
        Assert.Equal(HttpRequestError.ConnectionError, error.HttpRequestError);
        Assert.Equal(SocketError.NotConnected, Assert.IsType<SocketException>(error.InnerException).SocketErrorCode);
        Assert.Contains($"127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}", error.Message);
    }
}
