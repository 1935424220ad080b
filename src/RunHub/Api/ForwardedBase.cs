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
        if (!FromTrustedProxy(request, trustedProxies)) return null;
        var (proto, host, _) = Said(request.Headers);
        var prefix = Last(request.Headers["X-Forwarded-Prefix"].ToString())?.TrimEnd('/') ?? "";
        proto = string.IsNullOrEmpty(proto) ? request.Scheme : proto.ToLowerInvariant();
        if (proto is not ("http" or "https") || host is null || !HostShape().IsMatch(host) || (prefix.Length > 0 && !PrefixShape().IsMatch(prefix)))
            return null;
        return $"{proto}://{host}{prefix}";
    }

    /// <summary>Whether the request came straight from a proxy in <c>RunHub:Api:TrustedProxies</c>, the only one whose forwarded headers are believed.</summary>
    public static bool FromTrustedProxy(HttpRequest request, IReadOnlyList<string> trustedProxies) =>
        trustedProxies.Count > 0 && request.HttpContext.Connection.RemoteIpAddress is { } remote && IsTrusted(remote, trustedProxies);

    /// <summary>Whether a trusted proxy says the client used https (<c>Forwarded: proto=https</c>, else <c>X-Forwarded-Proto</c>, its last value).</summary>
    public static bool ForwardedHttps(HttpRequest request, IReadOnlyList<string> trustedProxies) =>
        FromTrustedProxy(request, trustedProxies) && string.Equals(Said(request.Headers).Proto, "https", StringComparison.OrdinalIgnoreCase);

    /// <summary>
    /// The client's address: from a trusted proxy, the one it forwarded (<c>Forwarded: for=</c>, else <c>X-Forwarded-For</c>,
    /// the last value, the one that proxy added; an IPv4 or bracketed IPv6 address, with or without a port); otherwise,
    /// or when it forwarded none that reads as an address, the connection's.
    /// </summary>
    public static IPAddress? ClientAddress(HttpRequest request, IReadOnlyList<string> trustedProxies)
    {
        var remote = request.HttpContext.Connection.RemoteIpAddress;
        if (!FromTrustedProxy(request, trustedProxies)) return remote;
        var text = Said(request.Headers).For ?? Last(request.Headers["X-Forwarded-For"].ToString());
        if (text is null) return remote;
        text = text.Trim('"');
        if (text.StartsWith('[') && text.IndexOf(']') is > 0 and var end) text = text[1..end];
        else if (text.Count(c => c == ':') == 1) text = text[..text.IndexOf(':')];
        return IPAddress.TryParse(text, out var client) ? client : remote;
    }

    /// <summary>What the last <c>Forwarded</c> element says (its proto, host and for), with <c>X-Forwarded-Proto</c> and <c>-Host</c> for what it does not.</summary>
    private static (string? Proto, string? Host, string? For) Said(IHeaderDictionary headers)
    {
        string? proto = null, host = null, client = null;
        if (Last(headers["Forwarded"].ToString()) is { Length: > 0 } forwarded)
            foreach (var pair in forwarded.Split(';'))
            {
                var (name, value) = pair.Split('=', 2) is [var n, var v] ? (n.Trim(), v.Trim().Trim('"')) : ("", "");
                if (name.Equals("proto", StringComparison.OrdinalIgnoreCase)) proto = value;
                else if (name.Equals("host", StringComparison.OrdinalIgnoreCase)) host = value;
                else if (name.Equals("for", StringComparison.OrdinalIgnoreCase)) client = value;
            }
        return (proto ?? Last(headers["X-Forwarded-Proto"].ToString()), host ?? Last(headers["X-Forwarded-Host"].ToString()), client);
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
