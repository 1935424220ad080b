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
    [InlineData("/openapi/v2/query", "glued")]
    [InlineData("/openapi/v2/price-preview/rhart-image-g-1.5/text-to-image", "bare")]
    public async Task An_Authorization_header_without_Bearer_is_refused_saying_it_is_not_a_Bearer_key(string path, string form)
    {
        var caller = await _server.NewCallerAsync(balance: 1m);
        var header = form switch
        {
            "bare" => caller.ApiKey,
            "glued" => "Bearer" + caller.ApiKey,
            _ => "Basic " + Convert.ToBase64String(Encoding.ASCII.GetBytes("user:" + caller.ApiKey)),
        };

        var answer = await PostAsync(path, header);

        Assert.Equal("1002", (string)answer["errorCode"]!);
        var message = (string)answer["errorMessage"]!;
        Assert.Contains("the Authorization header is not a Bearer key; send it as Authorization: Bearer <your 32-character key>", message);
        Assert.DoesNotContain(caller.ApiKey, message);
        Assert.Equal(1m, await caller.BalanceAsync());
    }

    [Fact]
    public async Task Bearer_with_no_key_is_told_the_key_is_empty_and_no_header_that_it_is_missing()
    {
        foreach (var (header, message) in new[]
        {
            ("Bearer", "unauthorized: missing API key: the Authorization header has no key after Bearer; send Authorization: Bearer <your 32-character key>"),
            ("Bearer   ", "unauthorized: missing API key: the Authorization header has no key after Bearer; send Authorization: Bearer <your 32-character key>"),
            (null, "unauthorized: missing API key: send the header Authorization: Bearer <your 32-character key>"),
        })
        {
            var answer = await PostAsync("/openapi/v2/query", header);

            Assert.Equal("1002", (string)answer["errorCode"]!);
            Assert.Equal(message, (string)answer["errorMessage"]!);
        }
    }

    [Fact]
    public async Task A_v1_query_or_form_call_without_a_key_is_told_where_its_key_goes()
    {
        var demo = JsonNode.Parse(await _server.Http.GetStringAsync(_server.BaseUrl + "/api/webapp/apiCallDemo?webappId=1"))!;
        using var form = new MultipartFormDataContent("b") { { new ByteArrayContent(TestImages.Png(4, 4)), "file", "a.png" } };
        using var response = await _server.Http.PostAsync(_server.BaseUrl + "/task/openapi/upload", form);
        var upload = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;

        Assert.Equal(802, (int)demo["code"]!);
        Assert.Contains("missing API key: send it in the query string (?apiKey=KEY) or as Authorization: Bearer KEY", (string)demo["msg"]!);
        Assert.Equal(802, (int)upload["code"]!);
        Assert.Contains("missing API key: send the form field apiKey before the file (or Authorization: Bearer KEY)", (string)upload["msg"]!);
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
