using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using RunHub.Tests.Support;

namespace RunHub.Tests.Api;

/// <summary>
/// Every path under the API's prefixes answers JSON in its family's shape, and every route sees one spelling of a
/// path. Before FamilyAnswers and PathNormalization, unknown paths under <c>/task/openapi/</c>, <c>/api/openapi/</c>
/// and <c>/uc/openapi/</c> answered an empty 404 (clients report "No valid JSON found"), and
/// <c>/openapi/v2//query</c> answered 1001 while <c>/openapi/v2//model</c> worked.
/// </summary>
public sealed class ApiPathTests : IAsyncLifetime
{
    private TestServer _server = null!;
    private ApiCaller _caller = null!;

    public async Task InitializeAsync()
    {
        _server = await TestServer.StartAsync();
        _caller = await _server.NewCallerAsync();
    }

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Theory]
    [InlineData("POST", "/task/openapi/no-such-call")]
    [InlineData("POST", "/task/openapi/create/extra")]
    [InlineData("GET", "/api/openapi/no-such-call")]
    [InlineData("POST", "/uc/openapi/no-such-call")]
    [InlineData("GET", "/api/webapp/no-such-call")]
    [InlineData("POST", "/openapi/v2/api-key/no-such-call")]
    public async Task Unknown_paths_of_the_code_msg_data_family_answer_1001_in_that_envelope(string method, string path)
    {
        var answer = await SendAsync(method, path);
        Assert.Equal(1001, answer.GetProperty("code").GetInt32());
        Assert.Contains(path, answer.GetProperty("msg").GetString());
        Assert.Equal(JsonValueKind.Null, answer.GetProperty("data").ValueKind);
    }

    [Fact]
    public async Task Unknown_media_paths_answer_in_the_upload_envelope()
    {
        var unknown = await SendAsync("POST", "/openapi/v2/media/upload/url");
        Assert.Equal(1001, unknown.GetProperty("code").GetInt32());
        Assert.True(unknown.TryGetProperty("message", out _), unknown.ToString());
        var wrongMethod = await SendAsync("GET", "/openapi/v2/media/upload/binary");
        Assert.Equal(1009, wrongMethod.GetProperty("code").GetInt32());
        Assert.Contains("use POST", wrongMethod.GetProperty("message").GetString());
    }

    [Theory]
    [InlineData("POST", "/openapi/v1/query")]
    [InlineData("GET", "/openapi/anything")]
    public async Task Unknown_openapi_paths_answer_the_task_object(string method, string path)
    {
        var answer = await SendAsync(method, path);
        Assert.Equal("1001", answer.GetProperty("errorCode").GetString());
        Assert.Equal("", answer.GetProperty("taskId").GetString());
    }

    [Theory]
    [InlineData("GET", "/openapi/v2/query", "use POST")]
    [InlineData("PUT", "/uc/openapi/accountStatus", "use POST")]
    [InlineData("GET", "/openapi/v2/rhart-image-g-1.5/edit", "use POST")]
    public async Task A_wrong_method_is_1009_naming_the_method_the_path_takes(string method, string path, string hint)
    {
        var answer = await SendAsync(method, path);
        Assert.Equal("1009", Answers.Code(answer));
        Assert.Contains(method, Answers.Message(answer));
        Assert.Contains(hint, Answers.Message(answer));
    }

    [Fact]
    public async Task Repeated_and_trailing_slashes_reach_the_same_routes()
    {
        var submitted = await _caller.PostAsync(_server.BaseUrl + "//openapi/v2//rhart-image-g-1.5/text-to-image/", "{\"prompt\":\"a lighthouse at dawn\",\"aspectRatio\":\"1:1\"}");
        var taskId = (string)submitted["taskId"]!;
        Assert.Matches("^[0-9]{19}$", taskId);
        var queried = await _caller.PostAsync("/openapi/v2//query", JsonSerializer.Serialize(new { taskId }));
        Assert.Equal(taskId, (string)queried["taskId"]!);
        queried = await _caller.PostAsync("/openapi/v2/query/", JsonSerializer.Serialize(new { taskId }));
        Assert.Equal(taskId, (string)queried["taskId"]!);
        var status = await _caller.PostAsync("/uc/openapi//accountStatus", "{}");
        Assert.Equal(0, (int)status["code"]!);

        using var form = new MultipartFormDataContent { { new ByteArrayContent(TestImages.Png(8, 8)), "file", "a.png" } };
        using var upload = new HttpRequestMessage(HttpMethod.Post, "/openapi/v2//media/upload/binary/") { Content = form };
        upload.Headers.Authorization = new AuthenticationHeaderValue("Bearer", _caller.ApiKey);
        Assert.Equal(0, (int)(await _caller.SendAsync(upload))["code"]!);
    }

    [Fact]
    public async Task Real_routes_under_a_family_prefix_win_over_the_family_answer()
    {
        var status = await _caller.PostAsync("/uc/openapi/accountStatus", "{}");
        Assert.Equal(0, (int)status["code"]!);
        var query = await _caller.PostAsync("/openapi/v2/query", "{\"taskId\":\"1999999999999999999\"}");
        Assert.Equal("1004", (string)query["errorCode"]!);
    }

    [Theory]
    [InlineData("/openapi/v2/query")]
    [InlineData("/task/openapi/create")]
    [InlineData("/openapi/v2/media/upload/binary")]
    public async Task A_plain_options_request_is_answered_204_with_allow(string path)
    {
        using var response = await _server.Http.SendAsync(new HttpRequestMessage(HttpMethod.Options, path));
        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
    }

    [Fact]
    public async Task Paths_outside_the_api_stay_plain_404()
    {
        using var response = await _server.Http.GetAsync("/nothing-here");
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Empty(await response.Content.ReadAsByteArrayAsync());
    }

    private async Task<JsonElement> SendAsync(string method, string path)
    {
        using var request = new HttpRequestMessage(new HttpMethod(method), path);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", _caller.ApiKey);
        if (method != "GET") request.Content = new StringContent("{}", Encoding.UTF8, "application/json");
        using var response = await _server.Http.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        using var document = JsonDocument.Parse(await response.Content.ReadAsByteArrayAsync());
        return document.RootElement.Clone();
    }
}
