using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using RunHub.Cli;
using RunHub.Tests.Support;

namespace RunHub.Tests.Compat;

/// <summary>
/// Links follow configuration and the server's own address, never the Host header. Several published clients send the
/// headers of the curl lines RunningHub's API documentation generates, <c>Host: www.runninghub.cn</c> among them (with
/// <c>Accept: */*</c>, <c>Connection: keep-alive</c> and an Apifox User-Agent); before issue 10, RunHub built their
/// result and upload links on www.runninghub.cn and their downloads failed, and <c>Host: evil.example</c> made it hand out
/// links to a host of the caller's choice.
/// </summary>
public sealed class PinnedHostHeaderTests
{
    private const string TextToImage = "rhart-image-g-1.5/text-to-image";

    [Theory]
    [InlineData("www.runninghub.cn")]
    [InlineData("evil.example")]
    public async Task A_pinned_or_forged_host_header_does_not_change_the_links(string host)
    {
        await using var server = await TestServer.StartAsync();
        var caller = await server.NewCallerAsync();

        var upload = await SendAsync(server, caller.ApiKey, host, "/openapi/v2/media/upload/binary", Upload(TestImages.Png(8, 8)));
        Assert.StartsWith(server.BaseUrl + "/files/", (string)upload["data"]!["download_url"]!);

        var submitted = await SendAsync(server, caller.ApiKey, host, "/openapi/v2/" + TextToImage, Json("""{"prompt":"a lighthouse at dawn","aspectRatio":"1:1"}"""));
        var done = await caller.WaitAsync((string)submitted["taskId"]!);
        var query = await SendAsync(server, caller.ApiKey, host, "/openapi/v2/query", Json($$"""{"taskId":"{{(string)done["taskId"]!}}"}"""));
        var url = (string)query["results"]![0]!["url"]!;
        Assert.StartsWith(server.BaseUrl + "/files/", url);
        Assert.DoesNotContain(host, url);
        Assert.Equal(200, (int)(await server.Http.GetAsync(url)).StatusCode);
    }

    [Fact]
    public async Task The_configured_public_base_url_wins()
    {
        await using var server = await TestServer.StartAsync(new Dictionary<string, string?> { ["PublicBaseUrl"] = "https://api.example.com/runhub/" });
        var caller = await server.NewCallerAsync();
        var upload = await SendAsync(server, caller.ApiKey, "www.runninghub.cn", "/openapi/v2/media/upload/binary", Upload(TestImages.Png(8, 8)));
        Assert.StartsWith("https://api.example.com/runhub/files/openapi/", (string)upload["data"]!["download_url"]!);
    }

    [Fact]
    public async Task Forwarded_headers_count_only_from_a_trusted_proxy()
    {
        await using var untrusting = await TestServer.StartAsync();
        var caller = await untrusting.NewCallerAsync();
        var ignored = await SendAsync(untrusting, caller.ApiKey, "www.runninghub.cn", "/openapi/v2/media/upload/binary", Upload(TestImages.Png(8, 8)),
            ("X-Forwarded-Host", "evil.example"), ("X-Forwarded-Proto", "https"));
        Assert.StartsWith(untrusting.BaseUrl + "/files/", (string)ignored["data"]!["download_url"]!);

        await using var proxied = await TestServer.StartAsync(new Dictionary<string, string?> { ["Api:TrustedProxies:0"] = "127.0.0.0/8" });
        caller = await proxied.NewCallerAsync();
        // A proxy that appends to these headers passes on what the client sent first: only the value it added counts.
        var forwarded = await SendAsync(proxied, caller.ApiKey, "internal:5080", "/openapi/v2/media/upload/binary", Upload(TestImages.Png(8, 8)),
            ("X-Forwarded-Host", "evil.example, api.example.com"), ("X-Forwarded-Proto", "http, https"), ("X-Forwarded-Prefix", "/runhub"));
        Assert.StartsWith("https://api.example.com/runhub/files/", (string)forwarded["data"]!["download_url"]!);
        var rfc7239 = await SendAsync(proxied, caller.ApiKey, "internal:5080", "/openapi/v2/media/upload/binary", Upload(TestImages.Png(8, 8)),
            ("Forwarded", "for=198.51.100.1;host=evil.example, for=203.0.113.7;proto=https;host=\"files.example.com:8443\""));
        Assert.StartsWith("https://files.example.com:8443/files/", (string)rfc7239["data"]!["download_url"]!);
        var malformed = await SendAsync(proxied, caller.ApiKey, "internal:5080", "/openapi/v2/media/upload/binary", Upload(TestImages.Png(8, 8)),
            ("X-Forwarded-Host", "evil.example/path?x"), ("X-Forwarded-Proto", "javascript"));
        Assert.StartsWith(proxied.BaseUrl + "/files/", (string)malformed["data"]!["download_url"]!);
    }

    [Fact]
    public async Task Serve_says_which_base_its_links_use()
    {
        using var data = new TempDirectory();
        await using var server = await ServerProcess.StartAsync(data.Path);
        var output = await server.WaitForOutputAsync("Links to results");
        Assert.Contains("built on the address each request arrived at", output);
        Assert.DoesNotContain("warning", output);

        using var configured = new TempDirectory();
        await using var named = await ServerProcess.StartAsync(configured.Path, new Dictionary<string, string> { ["RunHub__PublicBaseUrl"] = "https://api.example.com" });
        output = await named.WaitForOutputAsync("Links to results");
        Assert.Contains("Links to results and uploads start with https://api.example.com (RunHub:PublicBaseUrl).", output);
        Assert.DoesNotContain("warning", output);
    }

    /// <summary>What serve prints for the addresses it listens on (tests never listen beyond loopback themselves).</summary>
    [Theory]
    [InlineData("http://0.0.0.0:5080", true)]
    [InlineData("http://[::]:5080", true)]
    [InlineData("http://*:5080", true)]
    [InlineData("http://+:5080", true)]
    [InlineData("http://127.0.0.1:5080", false)]
    [InlineData("http://[::1]:5080", false)]
    [InlineData("http://10.1.2.3:5080", false)]
    public void Serve_warns_when_it_listens_on_all_interfaces_without_a_public_base_url(string listening, bool warns)
    {
        var output = new StringWriter();
        var errors = new StringWriter();
        LinkBaseNotice.Write(new RunHubOptions(), ["http://127.0.0.1:5081", listening], output, errors);
        Assert.Contains("Links to results and uploads are built on the address each request arrived at", output.ToString());
        Assert.Equal(warns, errors.ToString().Contains("warning: listening on all interfaces without RunHub:PublicBaseUrl", StringComparison.Ordinal));

        var proxied = new RunHubOptions { Api = { TrustedProxies = ["10.0.0.0/8"] } };
        output = new StringWriter();
        LinkBaseNotice.Write(proxied, [listening], output, new StringWriter());
        Assert.Contains("or on what a proxy in RunHub:Api:TrustedProxies (10.0.0.0/8) forwarded", output.ToString());

        errors = new StringWriter();
        LinkBaseNotice.Write(new RunHubOptions { PublicBaseUrl = "https://api.example.com/" }, [listening], output, errors);
        Assert.Equal("", errors.ToString());
    }

    /// <summary>A request as the API documentation's generated curl line sends it: its headers, with <paramref name="host"/> pinned.</summary>
    private static async Task<JsonObject> SendAsync(TestServer server, string apiKey, string host, string path, HttpContent content,
        params (string Name, string Value)[] extra)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = content };
        request.Headers.Host = host;
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", apiKey);
        request.Headers.TryAddWithoutValidation("Accept", "*/*");
        request.Headers.TryAddWithoutValidation("Connection", "keep-alive");
        request.Headers.TryAddWithoutValidation("User-Agent", "Apifox/1.0.0 (https://apifox.com)");
        foreach (var (name, value) in extra) request.Headers.TryAddWithoutValidation(name, value);
        using var response = await server.Http.SendAsync(request);
        return JsonNode.Parse(await response.Content.ReadAsStringAsync())!.AsObject();
    }

    private static StringContent Json(string json) => new(json, Encoding.UTF8, "application/json");

    private static MultipartFormDataContent Upload(byte[] png)
    {
        var file = new ByteArrayContent(png);
        file.Headers.ContentType = new MediaTypeHeaderValue("image/png");
        return new MultipartFormDataContent { { file, "file", "a.png" } };
    }
}
