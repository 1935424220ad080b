using System.Buffers.Binary;
using System.Net;

namespace RunHub.Media;

/// <summary>
/// Names the address blocks that are not the public internet (IANA special-purpose registries), including
/// IPv6 forms that carry an IPv4 address inside them, so an input URL cannot reach an internal host by
/// spelling its address another way.
/// </summary>
internal static class SpecialAddresses
{
    private static readonly (IPNetwork Network, string Description)[] V4 =
    [
        (IPNetwork.Parse("169.254.169.254/32"), "a link-local address (cloud metadata endpoint)"),
        (IPNetwork.Parse("0.0.0.0/8"), "an unspecified address"),
        (IPNetwork.Parse("10.0.0.0/8"), "a private address"),
        (IPNetwork.Parse("100.64.0.0/10"), "a shared (carrier-grade NAT) address"),
        (IPNetwork.Parse("127.0.0.0/8"), "a loopback address"),
        (IPNetwork.Parse("169.254.0.0/16"), "a link-local address"),
        (IPNetwork.Parse("172.16.0.0/12"), "a private address"),
        (IPNetwork.Parse("192.0.0.0/24"), "a reserved address"),
        (IPNetwork.Parse("192.0.2.0/24"), "a documentation address"),
        (IPNetwork.Parse("192.168.0.0/16"), "a private address"),
        (IPNetwork.Parse("198.18.0.0/15"), "a benchmarking address"),
        (IPNetwork.Parse("198.51.100.0/24"), "a documentation address"),
        (IPNetwork.Parse("203.0.113.0/24"), "a documentation address"),
        (IPNetwork.Parse("224.0.0.0/4"), "a multicast address"),
        (IPNetwork.Parse("255.255.255.255/32"), "the broadcast address"),
        (IPNetwork.Parse("240.0.0.0/4"), "a reserved address"),
    ];

    private static readonly (IPNetwork Network, string Description)[] V6 =
    [
        (IPNetwork.Parse("::/128"), "an unspecified address"),
        (IPNetwork.Parse("::1/128"), "a loopback address"),
        (IPNetwork.Parse("fc00::/7"), "a private (unique local) address"),
        (IPNetwork.Parse("fe80::/10"), "a link-local address"),
        (IPNetwork.Parse("fec0::/10"), "a site-local address"),
        (IPNetwork.Parse("ff00::/8"), "a multicast address"),
        (IPNetwork.Parse("64:ff9b:1::/48"), "a private (local NAT64) address"),
        (IPNetwork.Parse("100::/64"), "a reserved address"),
        (IPNetwork.Parse("2001:db8::/32"), "a documentation address"),
        (IPNetwork.Parse("3fff::/20"), "a documentation address"),
    ];

    private static readonly IPNetwork Nat64 = IPNetwork.Parse("64:ff9b::/96");
    private static readonly IPNetwork SixToFour = IPNetwork.Parse("2002::/16");
    private static readonly IPNetwork Teredo = IPNetwork.Parse("2001::/32");

    /// <summary>What kind of non-public address this is ("a loopback address"), or null for a public one.</summary>
    public static string? Describe(IPAddress address)
    {
        if (address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork) return Lookup(V4, address);

        if (Lookup(V6, address) is { } own) return own;
        return EmbeddedIPv4(address) is var (v4, form) && Lookup(V4, v4) is { } inner ? $"{inner} ({form})" : null;
    }

    /// <summary>The IPv4 address an IPv6 address stands for when traffic to it would reach that IPv4 host.</summary>
    private static (IPAddress Address, string Form)? EmbeddedIPv4(IPAddress v6)
    {
        Span<byte> b = stackalloc byte[16];
        v6.TryWriteBytes(b, out _);

        if (v6.IsIPv4MappedToIPv6) return (v6.MapToIPv4(), "IPv4-mapped");
        if (b[..12].IndexOfAnyExcept((byte)0) < 0) return (new IPAddress(b[12..]), "IPv4-compatible");
        // SIIT "IPv4-translated" addresses, ::ffff:0:a.b.c.d.
        if (b[..8].IndexOfAnyExcept((byte)0) < 0 && b[8] == 0xff && b[9] == 0xff && b[10] == 0 && b[11] == 0)
            return (new IPAddress(b[12..]), "IPv4-translated");
        if (Nat64.Contains(v6)) return (new IPAddress(b[12..]), "NAT64");
        if (SixToFour.Contains(v6)) return (new IPAddress(b[2..6]), "6to4");
        if (Teredo.Contains(v6))
        {
            // Teredo stores the client's IPv4 address with every bit inverted.
            var client = ~BinaryPrimitives.ReadUInt32BigEndian(b[12..]);
            Span<byte> clientBytes = stackalloc byte[4];
            BinaryPrimitives.WriteUInt32BigEndian(clientBytes, client);
            return (new IPAddress(clientBytes), "Teredo");
        }
        return null;
    }

    private static string? Lookup((IPNetwork Network, string Description)[] table, IPAddress address)
    {
        foreach (var (network, description) in table)
            if (network.Contains(address)) return description;
        return null;
    }
}
