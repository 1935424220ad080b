using System.Net;
using RunHub.Tests.Media.Support;

using RunHub.Tests.Support;

namespace RunHub.Tests.Media;

/// <summary>With private networks not allowed, no spelling of an internal address gets a connection.</summary>
public class InputFetcherAddressTests : IDisposable
{
    private readonly Fetchers _fetchers = new();

    [Theory]
    [InlineData("http://127.0.0.1:{port}/a.png", "127.0.0.1 is a loopback address")]
    [InlineData("http://localhost:{port}/", "is a loopback address")]
    [InlineData("http://2130706433:{port}/", "127.0.0.1 is a loopback address")]
    [InlineData("http://0x7f000001:{port}/", "127.0.0.1 is a loopback address")]
    [InlineData("http://0177.0.0.1:{port}/", "127.0.0.1 is a loopback address")]
    [InlineData("http://127.1:{port}/", "127.0.0.1 is a loopback address")]
    [InlineData("http://017700000001:{port}/", "127.0.0.1 is a loopback address")]
    [InlineData("http://[::ffff:127.0.0.1]:{port}/", "::ffff:127.0.0.1 is a loopback address (IPv4-mapped)")]
    [InlineData("http://[::127.0.0.1]:{port}/", "is a loopback address (IPv4-compatible)")]
    [InlineData("http://0.0.0.0:{port}/", "0.0.0.0 is an unspecified address")]
    [InlineData("http://0:{port}/", "0.0.0.0 is an unspecified address")]
    [InlineData("http://[::]:{port}/", ":: is an unspecified address")]
    [InlineData("https://127.0.0.1:{port}/", "127.0.0.1 is a loopback address")]
    public async Task Loopback_in_any_spelling_is_refused_without_a_connection(string template, string reason)
    {
        await using var server = await LoopbackServer.ServingAsync(TestImages.Png(4, 4), "image/png");
        var url = template.Replace("{port}", server.Port.ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal);

        var message = await _fetchers.Create().FetchAsync(TestMedia.Reference(url), TestMedia.ImageSpec(), default).RejectedAsync();

        Assert.StartsWith("imageUrls[0]: ", message, StringComparison.Ordinal);
        Assert.Contains(reason + ";", message, StringComparison.Ordinal);
        Assert.EndsWith("; private addresses are not fetched", message, StringComparison.Ordinal);
        Assert.Equal(0, server.Connections);
    }

    [Theory]
    [InlineData("127.0.0.1.")]
    [InlineData("\u2460\u2461\u2466.0.0.1")]
    [InlineData("127\u30020\u30020\u30021")]
    public async Task Host_names_that_only_look_like_loopback_get_no_connection(string host)
    {
        await using var server = await LoopbackServer.ServingAsync(TestImages.Png(4, 4), "image/png");

        var message = await _fetchers.Create().FetchAsync(TestMedia.Reference($"http://{host}:{server.Port}/"), TestMedia.ImageSpec(), default).RejectedAsync();

        Assert.StartsWith("imageUrls[0]: ", message, StringComparison.Ordinal);
        Assert.Equal(0, server.Connections);
    }

    [Fact]
    public async Task IPv6_loopback_is_refused_without_a_connection()
    {
        LoopbackServer? server = null;
        try
        {
            server = await LoopbackServer.ServingAsync(TestImages.Png(4, 4), "image/png", "::1");
        }
        catch (IOException)
        {
            // No IPv6 on this machine: the refusal is still checked, just without a listener to count on.
        }
        var url = $"http://[::1]:{server?.Port ?? 80}/a.png";

        var message = await _fetchers.Create().FetchAsync(TestMedia.Reference(url), TestMedia.ImageSpec(), default).RejectedAsync();

        Assert.Equal("imageUrls[0]: ::1 is a loopback address; private addresses are not fetched", message);
        if (server is not null)
        {
            Assert.Equal(0, server.Connections);
            await server.DisposeAsync();
        }
    }

    [Theory]
    [InlineData("http://169.254.169.254/latest/meta-data/", "169.254.169.254 is a link-local address (cloud metadata endpoint)")]
    [InlineData("http://[fe80::1%25lo]/", "is a link-local address")]
    [InlineData("http://10.0.0.1/a.png", "10.0.0.1 is a private address")]
    [InlineData("http://[fd00:ec2::254]/", "fd00:ec2::254 is a private (unique local) address")]
    public async Task Internal_addresses_are_refused_before_connecting(string url, string reason)
    {
        var message = await _fetchers.Create().FetchAsync(TestMedia.Reference(url, 1), TestMedia.ImageSpec(), default).RejectedAsync(seconds: 5);

        Assert.StartsWith("imageUrls[1]: ", message, StringComparison.Ordinal);
        Assert.Contains(reason, message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("file:///etc/passwd", "only http, https and data URLs are fetched, not file:")]
    [InlineData("ftp://127.0.0.1/a.png", "only http, https and data URLs are fetched, not ftp:")]
    [InlineData("gopher://127.0.0.1:70/_x", "only http, https and data URLs are fetched, not gopher:")]
    [InlineData("/etc/passwd", "only http, https and data URLs are fetched, not file:")]
    [InlineData("not a url", "not a valid URL")]
    public async Task Other_schemes_are_refused(string url, string reason)
    {
        var message = await _fetchers.Create().FetchAsync(TestMedia.Reference(url), TestMedia.ImageSpec(), default).RejectedAsync(seconds: 5);

        Assert.Equal("imageUrls[0]: " + reason, message);
    }

    [Fact]
    public async Task A_host_name_that_resolves_to_loopback_is_refused_at_connect_time()
    {
        await using var server = await LoopbackServer.ServingAsync(TestImages.Png(4, 4), "image/png");
        var fetcher = _fetchers.Create(dns: new Dictionary<string, IPAddress[]> { ["images.example.test"] = [IPAddress.Loopback] });

        var message = await fetcher.FetchAsync(TestMedia.Reference($"http://images.example.test:{server.Port}/a.png"), TestMedia.ImageSpec(), default).RejectedAsync();

        Assert.Equal("imageUrls[0]: images.example.test (127.0.0.1) is a loopback address; private addresses are not fetched", message);
        Assert.Equal(0, server.Connections);
    }

    [Fact]
    public async Task A_host_name_with_any_internal_address_among_its_answers_is_refused()
    {
        await using var server = await LoopbackServer.ServingAsync(TestImages.Png(4, 4), "image/png");
        var fetcher = _fetchers.Create(dns: new Dictionary<string, IPAddress[]>
        {
            ["mixed.example.test"] = [IPAddress.Parse("93.184.216.34"), IPAddress.Loopback],
        });

        var message = await fetcher.FetchAsync(TestMedia.Reference($"http://mixed.example.test:{server.Port}/"), TestMedia.ImageSpec(), default).RejectedAsync();

        Assert.Contains("mixed.example.test (127.0.0.1) is a loopback address", message, StringComparison.Ordinal);
        Assert.Equal(0, server.Connections);
    }

    [Fact]
    public async Task A_host_name_that_does_not_resolve_is_refused()
    {
        var fetcher = _fetchers.Create(dns: new Dictionary<string, IPAddress[]>());

        var message = await fetcher.FetchAsync(TestMedia.Reference("http://nowhere.example.test/a.png"), TestMedia.ImageSpec(), default).RejectedAsync();

        Assert.Equal("imageUrls[0]: host nowhere.example.test could not be resolved", message);
    }

    [Fact]
    public async Task A_host_name_resolving_into_an_allowed_network_is_fetched_under_its_own_name()
    {
        string? hostHeader = null;
        var png = TestImages.Png(8, 6);
        await using var server = await LoopbackServer.StartAsync(async context =>
        {
            hostHeader = context.Request.Host.Value;
            await context.Response.Body.WriteAsync(png);
        });
        var fetcher = _fetchers.Create(
            media => media.AllowedNetworks = ["127.0.0.1/32"],
            dns: new Dictionary<string, IPAddress[]> { ["cdn.example.test"] = [IPAddress.Loopback] });

        var input = await fetcher.FetchAsync(TestMedia.Reference($"http://cdn.example.test:{server.Port}/a.png"), TestMedia.ImageSpec(), default).Within();

        Assert.Equal(png, input.Data);
        Assert.Equal($"cdn.example.test:{server.Port}", hostHeader);
    }

    public void Dispose() => _fetchers.Dispose();
}
