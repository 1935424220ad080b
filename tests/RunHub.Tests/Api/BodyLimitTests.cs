using System.Text;
using RunHub.Tests.Support;

namespace RunHub.Tests.Api;

/// <summary>
/// Each endpoint reads at most what it needs, and nothing before the key is known. Before BodyLimits, every endpoint
/// accepted a body as large as the upload limit (101 MB), and <c>/uc/openapi/accountStatus</c> read and parsed it
/// before any key was known: 16 such requests took the server from 92 MB to 7 GB. These requests declare a 100 MB
/// body but send only its first bytes; the answers prove the server did not wait for the rest.
/// </summary>
public sealed class BodyLimitTests : IAsyncLifetime
{
    private const long HundredMegabytes = 100L * 1024 * 1024;
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);
    private TestServer _server = null!;
    private ApiCaller _caller = null!;

    public async Task InitializeAsync()
    {
        _server = await TestServer.StartAsync();
        _caller = await _server.NewCallerAsync();
    }

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task Account_status_without_a_key_refuses_a_large_body_before_reading_it()
    {
        var (status, answer) = await RawHttp.SendPartialAsync(_server.BaseUrl, "/uc/openapi/accountStatus", Json(), HundredMegabytes,
            "{\"apikey\": \""u8.ToArray(), Patience);
        Assert.Equal(200, status);
        Assert.Equal(1008, answer.GetProperty("code").GetInt32());
        Assert.Contains("64 KB", answer.GetProperty("msg").GetString());
    }

    [Fact]
    public async Task Account_status_without_a_key_stops_reading_an_undeclared_body_at_64_KB()
    {
        var start = Encoding.ASCII.GetBytes("{\"apikey\": \"" + new string('a', 70 * 1024));
        var (_, answer) = await RawHttp.SendPartialAsync(_server.BaseUrl, "/uc/openapi/accountStatus", Json(), declaredLength: null, start, Patience);
        Assert.Equal(1008, answer.GetProperty("code").GetInt32());
    }

    [Theory]
    [InlineData("/openapi/v2/rhart-image-g-1.5/edit")]
    [InlineData("/openapi/v2/query")]
    [InlineData("/openapi/v2/cancel")]
    [InlineData("/openapi/v2/media/upload/binary")]
    public async Task A_request_with_a_wrong_key_is_answered_before_its_body_is_read(string path)
    {
        var headers = Json();
        headers["Authorization"] = "Bearer " + new string('0', 32);
        var (_, answer) = await RawHttp.SendPartialAsync(_server.BaseUrl, path, headers, HundredMegabytes, "{\"prompt\": \""u8.ToArray(), Patience);
        Assert.Equal("1002", Answers.Code(answer));
    }

    [Theory]
    [InlineData("/openapi/v2/query", "64 KB")]
    [InlineData("/openapi/v2/cancel", "64 KB")]
    [InlineData("/openapi/v2/rhart-image-g-1.5/text-to-image", "2 MB")]
    public async Task A_body_over_the_endpoints_limit_is_1008_naming_the_limit(string path, string limit)
    {
        var headers = Json();
        headers["Authorization"] = "Bearer " + _caller.ApiKey;
        var (_, answer) = await RawHttp.SendPartialAsync(_server.BaseUrl, path, headers, HundredMegabytes, "{\"taskId\": \""u8.ToArray(), Patience);
        Assert.Equal("1008", answer.GetProperty("errorCode").GetString());
        Assert.Contains($"larger than the {limit} this endpoint accepts", answer.GetProperty("errorMessage").GetString());
    }

    [Fact]
    public async Task A_submits_limit_makes_room_for_the_models_inline_inputs_and_no_more()
    {
        // The seed edit takes up to 2 images of 10 MB: base64 data: URIs of that size fit; the text-only model takes 2 MB.
        var inline = "data:image/png;base64," + Convert.ToBase64String(new byte[3 * 1024 * 1024]);
        var edit = await _caller.SubmitAsync("rhart-image-g-1.5/edit", new { prompt = "a fine prompt", imageUrls = new[] { inline }, aspectRatio = "1:1" });
        Assert.NotEqual("1008", (string)edit["errorCode"]!);
        // The same body for the text-only model is over its 2 MB. Declared, not sent: a refused body over 2 MB is not read
        // to its end, so a client still sending it may see the connection close before it reads the answer.
        var headers = Json();
        headers["Authorization"] = "Bearer " + _caller.ApiKey;
        var (_, text) = await RawHttp.SendPartialAsync(_server.BaseUrl, "/openapi/v2/rhart-image-g-1.5/text-to-image", headers, 4L * 1024 * 1024,
            "{\"prompt\": \""u8.ToArray(), Patience);
        Assert.Equal("1008", text.GetProperty("errorCode").GetString());
        Assert.Contains("larger than the 2 MB this endpoint accepts", text.GetProperty("errorMessage").GetString());

        // 2 MB of JSON plus two 10 MB files in base64 is about 28.7 MB.
        var (_, over) = await RawHttp.SendPartialAsync(_server.BaseUrl, "/openapi/v2/rhart-image-g-1.5/edit", headers, 29L * 1024 * 1024,
            "{\"prompt\": \""u8.ToArray(), Patience);
        Assert.Equal("1008", over.GetProperty("errorCode").GetString());
        Assert.Contains("28.7 MB", over.GetProperty("errorMessage").GetString());
    }

    private static Dictionary<string, string> Json() => new() { ["Content-Type"] = "application/json" };
}
