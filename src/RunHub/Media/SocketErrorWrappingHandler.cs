using System.Net.Sockets;

namespace RunHub.Media;

/// <summary>
/// Makes every failure to reach a server an <see cref="HttpRequestException"/>, as callers of <see cref="HttpClient"/>
/// expect. <see cref="SocketsHttpHandler"/> wraps socket errors, except one: right after it connects it reads the
/// socket's remote address (for diagnostics, <c>HttpConnectionPool.ConnectAsync</c> in dotnet/runtime), and when the
/// server has already reset the new connection that read throws a bare <see cref="SocketException"/>
/// (<see cref="SocketError.NotConnected"/>, "Transport endpoint is not connected"). Such a server is as unreachable
/// as one that refused the connection, and this handler says so: <see cref="HttpRequestError.ConnectionError"/>, the
/// socket error inside. Every HTTP client of the server to the outside (engines, input fetches, webhooks) sits on it.
/// </summary>
public sealed class SocketErrorWrappingHandler(HttpMessageHandler inner) : DelegatingHandler(inner)
{
    /// <exception cref="HttpRequestException">As the inner handler's, and for a bare <see cref="SocketException"/>.</exception>
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        try
        {
            return await base.SendAsync(request, cancellationToken);
        }
        catch (SocketException e)
        {
            throw Wrapped(request, e);
        }
    }

    /// <exception cref="HttpRequestException">As the inner handler's, and for a bare <see cref="SocketException"/>.</exception>
    protected override HttpResponseMessage Send(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        try
        {
            return base.Send(request, cancellationToken);
        }
        catch (SocketException e)
        {
            throw Wrapped(request, e);
        }
    }

    private static HttpRequestException Wrapped(HttpRequestMessage request, SocketException e) =>
        new(HttpRequestError.ConnectionError, $"{e.Message} ({request.RequestUri?.Authority})", e);
}
