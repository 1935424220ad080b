using System.Net;
using System.Net.Sockets;

namespace RunHub.Tests.Engines.OpenAiImages.Support;

internal static class ClosedPort
{
    /// <summary>A loopback port nothing listens on: bound once to learn a free number, then released.</summary>
    public static int Find()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }
}
