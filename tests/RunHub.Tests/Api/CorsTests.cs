using System.Net;
using System.Text;
using RunHub.Tests.Support;

namespace RunHub.Tests.Api;

/// <summary>
/// A browser app calling RunHub from another origin (RunHub extension): allowed origins are configured
/// (<c>RunHub:Api:CorsOrigins</c>), none by default, <c>*</c> for any; preflights are always answered. Before ApiCors,
/// a browser app was blocked: the preflight got a JSON 1009 and no CORS headers.
/// </summary>
public sealed class CorsTests
{
    private const string App = "https://app.example.com";

    [Fact]
    public async Task By_default_no_origin_is_allowed_but_the_preflight_is_answered()
    {
        await using var server = await TestServer.StartAsync();
        using var preflight = await PreflightAsync(server, "/openapi/v2/query", App);
        Assert.Equal(HttpStatusCode.NoContent, preflight.StatusCode);
        Assert.False(preflight.Headers.Contains("Access-Control-Allow-Origin"));
    }

    [Fact]
    public async Task A_configured_origin_may_preflight_and_call_with_a_bearer_key_and_others_may_not()
    {
        await using var server = await TestServer.StartAsync(new Dictionary<string, string?> { ["Api:CorsOrigins:0"] = App });
        var caller = await server.NewCallerAsync();
        using var preflight = await PreflightAsync(server, "/openapi/v2/rhart-image-g-1.5/text-to-image", App);
        Assert.Equal(HttpStatusCode.NoContent, preflight.StatusCode);
        Assert.Equal(App, preflight.Headers.GetValues("Access-Control-Allow-Origin").Single());
        var allowedHeaders = string.Join(",", preflight.Headers.GetValues("Access-Control-Allow-Headers")).ToLowerInvariant();
        Assert.Contains("authorization", allowedHeaders);
        Assert.Contains("content-type", allowedHeaders);
        Assert.False(preflight.Headers.Contains("Access-Control-Allow-Credentials"));

        using var call = new HttpRequestMessage(HttpMethod.Post, "/uc/openapi/accountStatus") { Content = new StringContent("{}", Encoding.UTF8, "application/json") };
        call.Headers.Add("Origin", App);
        call.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", caller.ApiKey);
        using var answer = await server.Http.SendAsync(call);
        Assert.Equal(App, answer.Headers.GetValues("Access-Control-Allow-Origin").Single());

        using var stranger = await PreflightAsync(server, "/openapi/v2/query", "https://evil.example");
        Assert.False(stranger.Headers.Contains("Access-Control-Allow-Origin"));
    }

    [Fact]
    public async Task A_star_allows_any_origin_without_credentials()
    {
        await using var server = await TestServer.StartAsync(new Dictionary<string, string?> { ["Api:CorsOrigins:0"] = "*" });
        using var preflight = await PreflightAsync(server, "/openapi/v2/media/upload/binary", "https://anyone.example");
        Assert.Equal("*", preflight.Headers.GetValues("Access-Control-Allow-Origin").Single());
        Assert.False(preflight.Headers.Contains("Access-Control-Allow-Credentials"));
    }

    [Fact]
    public async Task A_malformed_origin_stops_the_server_with_a_line_naming_the_setting()
    {
        var error = await Assert.ThrowsAsync<Microsoft.Extensions.Options.OptionsValidationException>(() =>
            TestServer.StartAsync(new Dictionary<string, string?> { ["Api:CorsOrigins:0"] = "app.example.com/path" }));
        Assert.Contains("RunHub:Api:CorsOrigins:0 (RunHub__Api__CorsOrigins__0)", error.Message);
    }

    private static Task<HttpResponseMessage> PreflightAsync(TestServer server, string path, string origin)
    {
        var request = new HttpRequestMessage(HttpMethod.Options, path);
        request.Headers.Add("Origin", origin);
        request.Headers.Add("Access-Control-Request-Method", "POST");
        request.Headers.Add("Access-Control-Request-Headers", "authorization,content-type");
        return server.Http.SendAsync(request);
    }
}
