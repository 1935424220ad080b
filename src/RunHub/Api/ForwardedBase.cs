using System.Net;
using System.Text.RegularExpressions;

namespace RunHub.Api;

/// <summary>
/// The base URL a reverse proxy says the client used: RFC 7239 <c>Forwarded: proto=https;host=api.example.com</c>, or
/// <c>X-Forwarded-Proto</c>, <c>X-Forwarded-Host</c> and <c>X-Forwarded-Prefix</c>. Believed only from a proxy in
/// <c>RunHub:Api:TrustedProxies</c>, and of each list only its last value (the last <c>Forwarded</c> element): the one
/// that proxy added. Earlier values came from further away, the client included, which can send any of these headers
/// itself to a proxy that appends to them (as ASP.NET's forwarded-headers middleware, with its default limit of one hop,
/// reads them). A value that is not a plain http(s) scheme, a host[:port] or a path prefix is ignored.
/// </summary>
public static partial class ForwardedBase
{
    /// <returns>"https://api.example.com/runhub", or null when the request did not come from a trusted proxy or says nothing usable.</returns>
    public static string? From(HttpRequest request, IReadOnlyList<string> trustedProxies)
    {
        if (trustedProxies.Count == 0 || request.HttpContext.Connection.RemoteIpAddress is not { } remote || !IsTrusted(remote, trustedProxies))
            return null;
        var headers = request.Headers;
        string? proto = null, host = null;
        if (Last(headers["Forwarded"].ToString()) is { Length: > 0 } forwarded)
            foreach (var pair in forwarded.Split(';'))
            {
                var (name, value) = pair.Split('=', 2) is [var n, var v] ? (n.Trim(), v.Trim().Trim('"')) : ("", "");
                if (name.Equals("proto", StringComparison.OrdinalIgnoreCase)) proto = value;
                else if (name.Equals("host", StringComparison.OrdinalIgnoreCase)) host = value;
            }
        proto ??= Last(headers["X-Forwarded-Proto"].ToString());
        host ??= Last(headers["X-Forwarded-Host"].ToString());
        var prefix = Last(headers["X-Forwarded-Prefix"].ToString())?.TrimEnd('/') ?? "";
        proto = string.IsNullOrEmpty(proto) ? request.Scheme : proto.ToLowerInvariant();
        if (proto is not ("http" or "https") || host is null || !HostShape().IsMatch(host) || (prefix.Length > 0 && !PrefixShape().IsMatch(prefix)))
            return null;
        return $"{proto}://{host}{prefix}";
    }

    private static bool IsTrusted(IPAddress remote, IReadOnlyList<string> trustedProxies)
    {
        if (remote.IsIPv4MappedToIPv6) remote = remote.MapToIPv4();
        foreach (var entry in trustedProxies)
        {
            var text = entry.Trim();
            if (IPNetwork.TryParse(text, out var network) ? network.Contains(remote) : IPAddress.TryParse(text, out var single) && single.Equals(remote))
                return true;
        }
        return false;
    }

    /// <summary>The last value of a comma-separated header (several header lines arrive joined by commas).</summary>
    private static string? Last(string list) => list.Length == 0 ? null : list.Split(',')[^1].Trim();

    /// <summary>A DNS name or IPv4 address, or a bracketed IPv6 address, with an optional port.</summary>
    [GeneratedRegex(@"^([A-Za-z0-9]([A-Za-z0-9\-]{0,61}[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9\-]{0,61}[A-Za-z0-9])?)*|\[[0-9A-Fa-f:.]+\])(:[0-9]{1,5})?$")]
    private static partial Regex HostShape();

    [GeneratedRegex(@"^(/[A-Za-z0-9._~\-]+)+$")]
    private static partial Regex PrefixShape();
}
