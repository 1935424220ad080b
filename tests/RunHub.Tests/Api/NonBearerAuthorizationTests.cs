using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using RunHub.Tests.Support;

namespace RunHub.Tests.Api;

/// <summary>
/// An <c>Authorization</c> header that is not a Bearer key (a bare key, as some hand-written clients send it, or Basic)
/// on a route that reads only Bearer keys: still 1002, and the message says what is wrong with the header instead of
/// calling the key missing, which sent the caller looking for a header they had sent. The header's value is never echoed.
/// </summary>
public sealed class NonBearerAuthorizationTests : IAsyncLifetime
{
    private TestServer _server = null!;

    public async Task InitializeAsync() => _server = await TestServer.StartAsync();

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Theory]
    [InlineData("/openapi/v2/rhart-image-g-1.5/text-to-image", "bare")]
    [InlineData("/openapi/v2/rhart-image-g-1.5/text-to-image", "basic")]
    [InlineData("/openapi/v2/query", "bare")]
    [InlineData("/openapi/v2/price-preview/rhart-image-g-1.5/text-to-image", "bare")]
    public async Task An_Authorization_header_without_Bearer_is_refused_saying_it_is_not_a_Bearer_key(string path, string form)
    {
        var caller = await _server.NewCallerAsync(balance: 1m);
        var header = form == "bare" ? caller.ApiKey : "Basic " + Convert.ToBase64String(Encoding.ASCII.GetBytes("user:" + caller.ApiKey));

        var answer = await PostAsync(path, header);

        Assert.Equal("1002", (string)answer["errorCode"]!);
        var message = (string)answer["errorMessage"]!;
        Assert.Contains("the Authorization header is not a Bearer key; send it as Authorization: Bearer <your 32-character key>", message);
        Assert.DoesNotContain(caller.ApiKey, message);
        Assert.Equal(1m, await caller.BalanceAsync());
    }

    [Fact]
    public async Task Bearer_with_no_key_and_no_header_at_all_are_refused_as_a_missing_key()
    {
        foreach (var header in new[] { "Bearer", "Bearer   ", null })
        {
            var answer = await PostAsync("/openapi/v2/query", header);

            Assert.Equal("1002", (string)answer["errorCode"]!);
            Assert.Equal("unauthorized: missing API key: send the header Authorization: Bearer <your 32-character key>", (string)answer["errorMessage"]!);
        }
    }

    private async Task<JsonObject> PostAsync(string path, string? authorization)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, _server.BaseUrl + path)
        {
            Content = new StringContent("""{"prompt":"no bearer","aspectRatio":"1:1","taskId":"1"}""", Encoding.UTF8, "application/json"),
        };
        if (authorization is not null) request.Headers.TryAddWithoutValidation("Authorization", authorization);
        using var response = await _server.Http.SendAsync(request);
        return JsonNode.Parse(await response.Content.ReadAsStringAsync())!.AsObject();
    }
}
