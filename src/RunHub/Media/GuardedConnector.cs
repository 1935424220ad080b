using System.Net;
using System.Net.Sockets;

namespace RunHub.Media;

/// <summary>Resolves a host name to addresses; a seam so tests can stand in for DNS.</summary>
internal delegate Task<IPAddress[]> HostResolver(string host, CancellationToken cancellationToken);

/// <summary>
/// Opens the TCP connections of input fetches. It resolves the host itself and checks every address before
/// connecting, so the address that is checked is the address that is used: a name that resolves to an
/// internal address, a DNS answer that changes between lookups, and a redirect to an internal host are all
/// stopped here, whatever the URL looked like.
/// </summary>
internal static class GuardedConnector
{
    public const string NotFetched = "; private addresses are not fetched";

    public static SocketsHttpHandler CreateHandler(NetworkPolicy policy, HostResolver resolve) => new()
    {
        // Redirects are followed by HttpDownloader so each hop's scheme is checked too.
        AllowAutoRedirect = false,
        UseProxy = false,
        UseCookies = false,
        Credentials = null,
        PreAuthenticate = false,
        AutomaticDecompression = DecompressionMethods.None,
        // A refused or redirected response is dropped with its connection rather than read to the end.
        MaxResponseDrainSize = 0,
        PooledConnectionLifetime = TimeSpan.FromMinutes(2),
        ConnectCallback = (context, cancellationToken) => ConnectAsync(policy, resolve, context.DnsEndPoint, cancellationToken),
    };

    public static Task<IPAddress[]> ResolveWithDns(string host, CancellationToken cancellationToken) =>
        Dns.GetHostAddressesAsync(host, cancellationToken);

    private static async ValueTask<Stream> ConnectAsync(
        NetworkPolicy policy, HostResolver resolve, DnsEndPoint endpoint, CancellationToken cancellationToken)
    {
        var host = endpoint.Host;
        var addresses = LiteralAddress(host) is { } literal ? [literal] : await ResolveAsync(resolve, host, cancellationToken);

        foreach (var address in addresses)
            if (policy.Refusal(address, host) is { } refusal) throw new FetchRefusedException(refusal + NotFetched) { AddressRefused = true };

        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(addresses, endpoint.Port, cancellationToken);
            return new NetworkStream(socket, ownsSocket: true);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    /// <summary>The address a URL host names directly, in any spelling System.Net accepts, or null for a host name.</summary>
    public static IPAddress? LiteralAddress(string host)
    {
        var bare = Uri.UnescapeDataString(host).Trim('[', ']');
        return IPAddress.TryParse(bare, out var address) ? address : null;
    }

    private static async Task<IPAddress[]> ResolveAsync(HostResolver resolve, string host, CancellationToken cancellationToken)
    {
        IPAddress[] addresses;
        try
        {
            addresses = await resolve(host, cancellationToken);
        }
        catch (SocketException e)
        {
            throw new FetchRefusedException($"host {host} could not be resolved", e);
        }
        if (addresses.Length == 0) throw new FetchRefusedException($"host {host} could not be resolved");
        return addresses;
    }
}
