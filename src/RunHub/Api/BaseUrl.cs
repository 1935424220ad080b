using System.Net;
using System.Net.Sockets;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using RunHub.Files;

namespace RunHub.Api;

/// <summary>
/// The base of the URLs RunHub hands out (results, uploads): <c>RunHub:PublicBaseUrl</c> when it is set; else, for a
/// request from a proxy listed in <c>RunHub:Api:TrustedProxies</c>, the scheme and host that proxy forwarded
/// (<see cref="ForwardedBase"/>); else the address this server was reached at: the connection's own local address and
/// port. Never the request's <c>Host</c> header, which some clients pin to <c>www.runninghub.cn</c> (their downloads
/// then went to RunningHub) and any caller can set to a host of its choice (<c>Host: evil.example</c>).
/// </summary>
public static class BaseUrl
{
    public static string Of(HttpRequest request, RunHubOptions options)
    {
        if (!string.IsNullOrWhiteSpace(options.PublicBaseUrl)) return options.PublicBaseUrl.TrimEnd('/');
        return ForwardedBase.From(request, options.Api.TrustedProxies) ?? Local(request);
    }

    /// <summary>The URLs of stored files for this request's client (RunHub's own, presigned or public, as configured).</summary>
    public static Func<string, string> FileUrls(HttpRequest request, RunHubOptions options, FileLinks links)
    {
        var baseUrl = Of(request, options);
        return key => links.UrlOf(key, baseUrl);
    }

    /// <summary>"http://127.0.0.1:5080": the address and port the connection arrived at (IPv6 in brackets).</summary>
    private static string Local(HttpRequest request)
    {
        var connection = request.HttpContext.Connection;
        if (connection.LocalIpAddress is { } address)
        {
            if (address.IsIPv4MappedToIPv6) address = address.MapToIPv4();
            var host = address.AddressFamily == AddressFamily.InterNetworkV6 ? $"[{address}]" : address.ToString();
            return $"{request.Scheme}://{host}:{connection.LocalPort}{request.PathBase}";
        }
        // No socket (an in-process test host): the server's first listening address.
        var listening = request.HttpContext.RequestServices.GetService<IServer>()?.Features.Get<IServerAddressesFeature>()?.Addresses.FirstOrDefault();
        return (listening ?? RunHubApp.DefaultUrls).TrimEnd('/') + request.PathBase;
    }

    /// <summary>Whether an address listens on every interface (0.0.0.0, [::], *, +), where links would name whichever a client used.</summary>
    public static bool IsAllInterfaces(string listeningUrl)
    {
        var host = listeningUrl.Split("://", 2) is [_, var rest] ? rest.Split('/')[0] : listeningUrl;
        host = host.StartsWith('[') ? host[..(host.IndexOf(']') + 1)] : host.Split(':')[0];
        return host is "*" or "+" or "0.0.0.0" or "[::]" || (IPAddress.TryParse(host.Trim('[', ']'), out var ip) && ip.Equals(IPAddress.IPv6Any));
    }
}
