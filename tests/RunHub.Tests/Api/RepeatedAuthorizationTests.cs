using System.Text;
using System.Text.Json;
using RunHub.Tests.Support;

namespace RunHub.Tests.Api;

/// <summary>
/// <c>Authorization</c> sent on two header lines, on every route that reads an API key from it. HTTP joins the two
/// values into one (<c>Bearer k, Bearer k</c>), which matched no key, so before 2026-12-01 the call was refused as
/// an invalid key, a message that sent the caller looking at a key that was fine.
/// </summary>
public sealed class RepeatedAuthorizationTests : IAsyncLifetime
{
    private const string Multipart = "multipart/form-data; boundary=b";
    private TestServer _server = null!;

    public async Task InitializeAsync() => _server = await TestServer.StartAsync();

    public async Task DisposeAsync() => await _server.DisposeAsync();

    /// <summary>
    /// The same valid key twice: still the family's "no valid key" code (1002, the v1 workflow calls' 802), with a
    /// message that names the header and says it came twice. No key in the body, so the v1 routes read the header.
    /// </summary>
    [Theory]
    [InlineData("POST", "/openapi/v2/rhart-image-g-1.5/text-to-image", "1002")]
    [InlineData("POST", "/openapi/v2/price-preview/rhart-image-g-1.5/text-to-image", "1002")]
    [InlineData("POST", "/openapi/v2/query", "1002")]
    [InlineData("POST", "/openapi/v2/cancel", "1002")]
    [InlineData("POST", "/openapi/v2/media/upload/binary", "1002")]
    [InlineData("GET", "/openapi/v2/tasks", "1002")]
    [InlineData("GET", "/openapi/v2/api-key/list", "1002")]
    [InlineData("GET", "/openapi/v2/queue/status", "1002")]
    [InlineData("POST", "/openapi/v2/run/workflow/1", "1002")]
    [InlineData("POST", "/openapi/v2/run/ai-app/1", "1002")]
    [InlineData("POST", "/uc/openapi/accountStatus", "1002")]
    [InlineData("POST", "/task/openapi/create", "802")]
    [InlineData("POST", "/task/openapi/ai-app/run", "802")]
    [InlineData("POST", "/task/openapi/status", "802")]
    [InlineData("POST", "/task/openapi/outputs", "802")]
    [InlineData("POST", "/task/openapi/cancel", "802")]
    [InlineData("POST", "/task/openapi/upload", "802")]
    [InlineData("POST", "/api/openapi/getJsonApiFormat", "802")]
    [InlineData("GET", "/api/webapp/apiCallDemo?webappId=1", "802")]
    [InlineData("POST", "/task/openapi/getWebhookDetail", "802")]
    [InlineData("POST", "/task/openapi/retryWebhook", "802")]
    public async Task A_key_header_sent_twice_is_refused_as_a_bad_key_saying_it_came_twice(string method, string path, string code)
    {
        var caller = await _server.NewCallerAsync(balance: 1m);
        var upload = path.Contains("upload", StringComparison.Ordinal);
        var headers = HeaderTwice.Lines("Authorization", "Bearer " + caller.ApiKey, "Bearer " + caller.ApiKey,
            contentType: upload ? Multipart : "application/json");
        var body = method == "GET" ? []
            : upload ? Encoding.ASCII.GetBytes("--b\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.png\"\r\n" +
                "Content-Type: image/png\r\n\r\nnot an image\r\n--b--\r\n")
            : JsonSerializer.SerializeToUtf8Bytes(new { prompt = "two key headers", aspectRatio = "1:1", taskId = "1", workflowId = "1", webappId = "1", webhookId = "1" });

        var (_, answer) = await RawHttp.SendAsync(_server.BaseUrl, path, headers, body, TimeSpan.FromSeconds(30), method);

        var (answerCode, message) = answer.TryGetProperty("errorCode", out var flat)
            ? (flat.GetString(), answer.GetProperty("errorMessage").GetString())
            : (answer.GetProperty("code").GetInt32().ToString(System.Globalization.CultureInfo.InvariantCulture),
                (answer.TryGetProperty("msg", out var msg) ? msg : answer.GetProperty("message")).GetString());
        Assert.Equal(code, answerCode);
        Assert.Contains("Authorization: sent 2 times; send it once", message);
        Assert.Equal(1m, await caller.BalanceAsync());
    }

    /// <summary>
    /// A v1 workflow call with its key in the body, as RunningHub's clients send it, takes that key and does not read
    /// the header (the header-first routes, accountStatus, the uploads and the webhook calls, read the header first).
    /// </summary>
    [Fact]
    public async Task A_v1_call_with_apiKey_in_the_body_does_not_read_the_header()
    {
        var caller = await _server.NewCallerAsync(balance: 1m);
        var headers = HeaderTwice.Lines("Authorization", "Bearer other", "Bearer other");

        var (_, answer) = await RawHttp.SendAsync(_server.BaseUrl, "/api/openapi/getJsonApiFormat", headers,
            JsonSerializer.SerializeToUtf8Bytes(new { apiKey = caller.ApiKey, workflowId = "1" }), TimeSpan.FromSeconds(30));

        Assert.Equal(380, answer.GetProperty("code").GetInt32());
    }

    /// <summary>
    /// <c>apiKey</c> twice where a v1 call reads it from the query string or a form: refused as the repeated header is
    /// (802, saying so), where before 2026-12-01 the first was taken and the second ignored.
    /// </summary>
    [Fact]
    public async Task An_apiKey_given_twice_in_the_query_or_in_an_upload_form_is_refused_saying_so()
    {
        var caller = await _server.NewCallerAsync(balance: 1m);

        foreach (var answer in await QueryAndUploadAsync(caller.ApiKey, times: 2))
        {
            Assert.Equal(802, answer.GetProperty("code").GetInt32());
            Assert.Contains("apiKey: sent 2 times; send it once", answer.GetProperty("msg").GetString());
        }
    }

    [Fact]
    public async Task An_apiKey_given_once_in_the_query_or_an_upload_form_is_taken()
    {
        var caller = await _server.NewCallerAsync(balance: 1m);

        var answers = await QueryAndUploadAsync(caller.ApiKey, times: 1);

        Assert.NotEqual(802, answers[0].GetProperty("code").GetInt32());
        Assert.Equal(0, answers[1].GetProperty("code").GetInt32());
    }

    /// <summary>The answers of <c>apiCallDemo</c> and of a v1 upload with <paramref name="key"/> given <paramref name="times"/> times as <c>apiKey</c>.</summary>
    private async Task<JsonElement[]> QueryAndUploadAsync(string key, int times)
    {
        var keys = string.Concat(Enumerable.Repeat("&apiKey=" + key, times));
        var query = JsonDocument.Parse(await _server.Http.GetStringAsync($"{_server.BaseUrl}/api/webapp/apiCallDemo?webappId=1{keys}")).RootElement;
        using var form = new MultipartFormDataContent("b");
        for (var i = 0; i < times; i++) form.Add(new StringContent(key), "apiKey");
        form.Add(new ByteArrayContent(TestImages.Png(4, 4)), "file", "a.png");
        using var response = await _server.Http.PostAsync(_server.BaseUrl + "/task/openapi/upload", form);
        return [query, JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement];
    }
}
