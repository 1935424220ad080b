using System.Net;

namespace RunHub.Media;

/// <summary>
/// Decides which addresses an input fetch may connect to: public addresses only, unless private networks are
/// allowed outright or the address lies in one of the configured <see cref="MediaOptions.AllowedNetworks"/>.
/// </summary>
public sealed class NetworkPolicy
{
    private readonly bool _allowPrivate;
    private readonly IPNetwork[] _allowed;

    public NetworkPolicy(MediaOptions options) : this(options.AllowPrivateNetworks, options.AllowedNetworks)
    {
    }

    /// <exception cref="ArgumentException">An entry of <paramref name="allowedNetworks"/> is not a network.</exception>
    public NetworkPolicy(bool allowPrivateNetworks, IEnumerable<string> allowedNetworks)
    {
        _allowPrivate = allowPrivateNetworks;
        _allowed = allowedNetworks.Select(ParseNetwork).ToArray();
    }

    /// <summary>
    /// Null when <paramref name="address"/> may be reached; otherwise why not, e.g. "127.0.0.1 is a loopback address"
    /// (or "localhost (127.0.0.1) is ..." when the host name it was resolved from is given).
    /// </summary>
    public string? Refusal(IPAddress address, string? host = null)
    {
        if (_allowPrivate) return null;
        // A v4-mapped address reaches the same host as the plain v4 one, so an allowed v4 network covers both.
        var plain = address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address;
        foreach (var network in _allowed)
            if (network.Contains(plain)) return null;

        if (SpecialAddresses.Describe(address) is not { } description) return null;
        var shown = host is null || host == address.ToString() ? address.ToString() : $"{host} ({address})";
        return $"{shown} is {description}";
    }

    public bool Allows(IPAddress address) => Refusal(address) is null;

    private static IPNetwork ParseNetwork(string text)
    {
        var trimmed = text.Trim();
        if (IPNetwork.TryParse(trimmed, out var network)) return network;
        if (IPAddress.TryParse(trimmed, out var single))
            return new IPNetwork(single, single.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork ? 32 : 128);
        throw new ArgumentException(
            $"RunHub:Media:AllowedNetworks: '{text}' is not a network in CIDR notation (e.g. 10.1.2.0/24)", nameof(text));
    }
}
