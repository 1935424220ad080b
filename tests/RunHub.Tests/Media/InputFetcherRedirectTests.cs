using System.Net;
using RunHub.Tests.Media.Support;

using RunHub.Tests.Support;

namespace RunHub.Tests.Media;

/// <summary>Redirects are followed by hand, and every hop is held to the same rules as the first URL.</summary>
public class InputFetcherRedirectTests : IDisposable
{
    private readonly Fetchers _fetchers = new();

    private Task<string> RejectedAsync(string url, Action<RunHub.MediaOptions>? configure = null, IReadOnlyDictionary<string, IPAddress[]>? dns = null) =>
        _fetchers.Create(configure ?? OnlyFirstLoopbackAddress, dns).FetchAsync(TestMedia.Reference(url), TestMedia.ImageSpec(), default).RejectedAsync();

    private static void OnlyFirstLoopbackAddress(RunHub.MediaOptions media) => media.AllowedNetworks = ["127.0.0.1/32"];

    [Fact]
    public async Task A_redirect_to_an_address_outside_the_allowed_networks_is_refused_before_connecting()
    {
        await using var target = await LoopbackServer.ServingAsync(TestImages.Png(4, 4), "image/png", "127.0.0.2");
        await using var origin = await LoopbackServer.RedirectingAsync(target.Url("/b.png"));

        var message = await RejectedAsync(origin.Url("/a.png"));

        Assert.Equal("imageUrls[0]: 127.0.0.2 is a loopback address; private addresses are not fetched", message);
        Assert.Equal(1, origin.Requests);
        Assert.Equal(0, target.Connections);
    }

    [Fact]
    public async Task A_redirect_to_a_name_resolving_outside_the_allowed_networks_is_refused_at_connect_time()
    {
        await using var target = await LoopbackServer.ServingAsync(TestImages.Png(4, 4), "image/png", "127.0.0.2");
        await using var origin = await LoopbackServer.RedirectingAsync($"http://internal.example.test:{target.Port}/b.png");

        var message = await RejectedAsync(origin.Url("/a.png"),
            dns: new Dictionary<string, IPAddress[]> { ["internal.example.test"] = [IPAddress.Parse("127.0.0.2")] });

        Assert.Equal("imageUrls[0]: internal.example.test (127.0.0.2) is a loopback address; private addresses are not fetched", message);
        Assert.Equal(0, target.Connections);
    }

    [Theory]
    [InlineData("file:///etc/passwd", "file")]
    [InlineData("ftp://example.com/a.png", "ftp")]
    [InlineData("gopher://127.0.0.1:70/_x", "gopher")]
    public async Task A_redirect_to_a_non_http_url_is_refused(string location, string scheme)
    {
        await using var origin = await LoopbackServer.RedirectingAsync(location);

        var message = await RejectedAsync(origin.Url("/a.png"));

        Assert.Equal($"imageUrls[0]: redirected to a non-http URL ({scheme}:)", message);
    }

    [Fact]
    public async Task Redirects_beyond_the_limit_are_refused()
    {
        await using var origin = await LoopbackServer.RedirectingAsync("/again");

        var message = await RejectedAsync(origin.Url("/a.png"), media =>
        {
            OnlyFirstLoopbackAddress(media);
            media.MaxRedirects = 3;
        });

        Assert.Equal("imageUrls[0]: too many redirects (more than 3)", message);
        Assert.Equal(4, origin.Requests);
    }

    [Fact]
    public async Task A_relative_redirect_within_an_allowed_host_is_followed()
    {
        var png = TestImages.Png(12, 5);
        await using var server = await LoopbackServer.StartAsync(async context =>
        {
            if (context.Request.Path == "/real.png") await context.Response.Body.WriteAsync(png);
            else context.Response.Redirect("/real.png");
        });

        var input = await _fetchers.Create(OnlyFirstLoopbackAddress).FetchAsync(TestMedia.Reference(server.Url("/a.png")), TestMedia.ImageSpec(), default).Within();

        Assert.Equal(png, input.Data);
        Assert.Equal(2, server.Requests);
    }

    [Fact]
    public async Task A_redirect_without_a_location_is_an_http_failure()
    {
        await using var server = await LoopbackServer.StartAsync(context =>
        {
            context.Response.StatusCode = 302;
            return Task.CompletedTask;
        });

        var message = await RejectedAsync(server.Url("/a.png"));

        Assert.Equal("imageUrls[0]: the server answered HTTP 302", message);
    }

    public void Dispose() => _fetchers.Dispose();
}
