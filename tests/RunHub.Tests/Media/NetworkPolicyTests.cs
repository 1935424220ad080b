using System.Net;
using RunHub.Media;

namespace RunHub.Tests.Media;

public class NetworkPolicyTests
{
    private static readonly NetworkPolicy PublicOnly = new(allowPrivateNetworks: false, allowedNetworks: []);

    [Theory]
    [InlineData("127.0.0.1", "127.0.0.1 is a loopback address")]
    [InlineData("127.255.0.9", "127.255.0.9 is a loopback address")]
    [InlineData("::1", "::1 is a loopback address")]
    [InlineData("10.0.0.1", "10.0.0.1 is a private address")]
    [InlineData("172.16.0.1", "172.16.0.1 is a private address")]
    [InlineData("172.31.255.255", "172.31.255.255 is a private address")]
    [InlineData("192.168.1.1", "192.168.1.1 is a private address")]
    [InlineData("fd12:3456::1", "fd12:3456::1 is a private (unique local) address")]
    [InlineData("169.254.169.254", "169.254.169.254 is a link-local address (cloud metadata endpoint)")]
    [InlineData("169.254.10.1", "169.254.10.1 is a link-local address")]
    [InlineData("fe80::1", "fe80::1 is a link-local address")]
    [InlineData("0.0.0.0", "0.0.0.0 is an unspecified address")]
    [InlineData("0.1.2.3", "0.1.2.3 is an unspecified address")]
    [InlineData("::", ":: is an unspecified address")]
    [InlineData("100.64.0.1", "100.64.0.1 is a shared (carrier-grade NAT) address")]
    [InlineData("224.0.0.1", "224.0.0.1 is a multicast address")]
    [InlineData("ff02::1", "ff02::1 is a multicast address")]
    [InlineData("240.0.0.1", "240.0.0.1 is a reserved address")]
    [InlineData("255.255.255.255", "255.255.255.255 is the broadcast address")]
    [InlineData("192.0.2.10", "192.0.2.10 is a documentation address")]
    [InlineData("2001:db8::1", "2001:db8::1 is a documentation address")]
    public void Non_public_addresses_are_refused_with_the_reason(string address, string reason)
    {
        Assert.Equal(reason, PublicOnly.Refusal(IPAddress.Parse(address)));
    }

    [Theory]
    [InlineData("::ffff:127.0.0.1", "a loopback address (IPv4-mapped)")]
    [InlineData("::ffff:169.254.169.254", "a link-local address (cloud metadata endpoint) (IPv4-mapped)")]
    [InlineData("::127.0.0.1", "a loopback address (IPv4-compatible)")]
    [InlineData("::ffff:0:10.0.0.1", "a private address (IPv4-translated)")]
    [InlineData("64:ff9b::a00:1", "a private address (NAT64)")]
    [InlineData("2002:7f00:1::", "a loopback address (6to4)")]
    [InlineData("2002:c0a8:101::1", "a private address (6to4)")]
    [InlineData("2001:0:4136:e378:8000:63bf:80ff:fffe", "a loopback address (Teredo)")]
    public void IPv6_forms_that_embed_a_private_IPv4_address_are_refused(string address, string description)
    {
        Assert.Equal($"{IPAddress.Parse(address)} is {description}", PublicOnly.Refusal(IPAddress.Parse(address)));
    }

    [Theory]
    [InlineData("8.8.8.8")]
    [InlineData("93.184.216.34")]
    [InlineData("172.32.0.1")]
    [InlineData("100.128.0.1")]
    [InlineData("2606:4700:4700::1111")]
    [InlineData("::ffff:8.8.8.8")]
    [InlineData("2002:808:808::1")]
    [InlineData("64:ff9b::808:808")]
    public void Public_addresses_are_allowed(string address)
    {
        Assert.Null(PublicOnly.Refusal(IPAddress.Parse(address)));
        Assert.True(PublicOnly.Allows(IPAddress.Parse(address)));
    }

    [Fact]
    public void Refusal_names_the_host_the_address_was_resolved_from()
    {
        Assert.Equal("localhost (127.0.0.1) is a loopback address", PublicOnly.Refusal(IPAddress.Loopback, "localhost"));
    }

    [Fact]
    public void Allowed_networks_admit_their_private_addresses_and_no_others()
    {
        var policy = new NetworkPolicy(allowPrivateNetworks: false, allowedNetworks: ["127.0.0.1/32", "10.1.2.0/24", "fd00:1::/64"]);

        Assert.True(policy.Allows(IPAddress.Parse("127.0.0.1")));
        Assert.True(policy.Allows(IPAddress.Parse("::ffff:127.0.0.1")));
        Assert.True(policy.Allows(IPAddress.Parse("10.1.2.200")));
        Assert.True(policy.Allows(IPAddress.Parse("fd00:1::5")));
        Assert.False(policy.Allows(IPAddress.Parse("127.0.0.2")));
        Assert.False(policy.Allows(IPAddress.Parse("10.1.3.1")));
        Assert.False(policy.Allows(IPAddress.Parse("::1")));
    }

    [Fact]
    public void A_bare_address_in_allowed_networks_admits_that_address_alone()
    {
        var policy = new NetworkPolicy(allowPrivateNetworks: false, allowedNetworks: ["192.168.5.5"]);

        Assert.True(policy.Allows(IPAddress.Parse("192.168.5.5")));
        Assert.False(policy.Allows(IPAddress.Parse("192.168.5.6")));
    }

    [Fact]
    public void Allowing_private_networks_admits_every_address()
    {
        var policy = new NetworkPolicy(new MediaOptions { AllowPrivateNetworks = true });

        Assert.True(policy.Allows(IPAddress.Loopback));
        Assert.True(policy.Allows(IPAddress.Parse("169.254.169.254")));
        Assert.True(policy.Allows(IPAddress.IPv6Loopback));
    }

    [Theory]
    [InlineData("10.0.0.0/33")]
    [InlineData("10.0.0.0/-1")]
    [InlineData("fd00::/129")]
    [InlineData("not-a-network")]
    public void A_malformed_allowed_network_is_reported_at_startup(string network)
    {
        var error = Assert.Throws<ArgumentException>(() => new NetworkPolicy(allowPrivateNetworks: false, allowedNetworks: [network]));

        Assert.Contains($"'{network}'", error.Message, StringComparison.Ordinal);
        Assert.Contains("AllowedNetworks", error.Message, StringComparison.Ordinal);
    }
}
