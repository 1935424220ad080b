using System.Net.Http.Headers;
using System.Text;
using RunHub.Tests.Support;

namespace RunHub.Tests.Api;

/// <summary>Every failure of the API answers HTTP 200 with a RunningHub error code and a message that says what was wrong.</summary>
public sealed class ErrorCodeTests : IAsyncLifetime
{
    private const string Edit = "rhart-image-g-1.5/edit";
    private TestServer _server = null!;

    public async Task InitializeAsync() => _server = await TestServer.StartAsync();

    public async Task DisposeAsync() => await _server.DisposeAsync();

    private static object ValidEdit => new { prompt = "turn the sky purple", imageUrls = new[] { TestImages.DataUri(TestImages.Png(32, 32)) }, aspectRatio = "1:1" };

    [Fact]
    public async Task Submit_without_a_key_is_1002_and_creates_no_task()
    {
        var caller = await _server.NewCallerAsync();
        var answer = await caller.PostAsync("/openapi/v2/" + Edit, "{}", sendKey: false);
        AssertError(answer, "1002", "API key");
    }

    [Fact]
    public async Task Submit_with_an_unknown_key_is_1002()
    {
        var caller = await _server.NewCallerAsync();
        AssertError(await caller.PostAsync("/openapi/v2/" + Edit, "{}", key: new string('a', 32)), "1002", "invalid");
        AssertError(await caller.PostAsync("/openapi/v2/" + Edit, "{}", key: "short"), "1002", "invalid");
    }

    [Fact]
    public async Task A_revoked_key_is_refused_at_once()
    {
        var caller = await _server.NewCallerAsync();
        Assert.Equal("", (string)(await caller.SubmitAsync(Edit, ValidEdit))["errorCode"]!);
        Assert.True((await _server.Accounts.RevokeKeyAsync(caller.ApiKey)).Revoked);
        AssertError(await caller.SubmitAsync(Edit, ValidEdit), "1002", "revoked");
    }

    [Fact]
    public async Task Unknown_endpoint_is_1001_naming_it()
    {
        var caller = await _server.NewCallerAsync();
        AssertError(await caller.SubmitAsync("no-such-model/edit", ValidEdit), "1001", "no-such-model/edit");
        AssertError(await caller.SubmitAsync("a/b/c/d", ValidEdit), "1001", "a/b/c/d");
    }

    [Theory]
    [InlineData("GET", "/openapi/v2/query")]
    [InlineData("PUT", "/openapi/v2/rhart-image-g-1.5/edit")]
    [InlineData("DELETE", "/openapi/v2/query")]
    public async Task Wrong_http_method_is_1009_with_http_200(string method, string path)
    {
        var caller = await _server.NewCallerAsync();
        using var request = new HttpRequestMessage(new HttpMethod(method), path);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", caller.ApiKey);
        AssertError(await caller.SendAsync(request), "1009", method);
    }

    [Theory]
    [InlineData("{\"prompt\": ")]
    [InlineData("not json at all")]
    [InlineData("")]
    public async Task Malformed_json_body_is_1007(string body)
    {
        var caller = await _server.NewCallerAsync();
        AssertError(await caller.PostAsync("/openapi/v2/" + Edit, body), "1007", "body");
        AssertError(await caller.PostAsync("/openapi/v2/query", body), "1007", "body");
    }

    [Fact]
    public async Task Invalid_parameters_are_1007_naming_the_field_and_the_rule()
    {
        var caller = await _server.NewCallerAsync();
        var answer = await caller.SubmitAsync(Edit, new { prompt = "abcd", imageUrls = new[] { "https://example.com/a.png" }, aspectRatio = "2:3" });
        AssertError(answer, "1007", "prompt: length 4 is below the minimum of 5");
        answer = await caller.SubmitAsync(Edit, new { prompt = "a valid prompt", imageUrls = new[] { "https://example.com/a.png" }, aspectRatio = "4:5" });
        AssertError(answer, "1007", "aspectRatio");
        answer = await caller.SubmitAsync(Edit, new { prompt = "a valid prompt", imageUrls = new[] { "https://e.com/1.png", "https://e.com/2.png", "https://e.com/3.png" }, aspectRatio = "2:3" });
        AssertError(answer, "1007", "imageUrls");
        Assert.Equal(10m, await caller.BalanceAsync());
    }

    [Fact]
    public async Task Query_of_a_task_that_does_not_exist_is_1004()
    {
        var caller = await _server.NewCallerAsync();
        AssertError(await caller.QueryAsync("1999999999999999999"), "1004", "not found");
    }

    [Fact]
    public async Task Query_of_another_accounts_task_is_not_found_exactly_like_a_missing_one()
    {
        var owner = await _server.NewCallerAsync(name: "owner");
        var stranger = await _server.NewCallerAsync(name: "stranger");
        var taskId = (string)(await owner.SubmitAsync(Edit, ValidEdit))["taskId"]!;
        var theirs = await stranger.QueryAsync(taskId);
        AssertError(theirs, "1004", "not found");
        var missing = await stranger.QueryAsync("1999999999999999999");
        Assert.Equal(((string)missing["errorMessage"]!).Replace("1999999999999999999", taskId, StringComparison.Ordinal), (string)theirs["errorMessage"]!);
        Assert.Equal("SUCCESS", (string)(await owner.WaitAsync(taskId))["status"]!);
    }

    [Fact]
    public async Task Query_without_a_task_id_is_1007()
    {
        var caller = await _server.NewCallerAsync();
        AssertError(await caller.PostAsync("/openapi/v2/query", "{}"), "1007", "taskId");
    }

    [Fact]
    public async Task A_wallet_that_cannot_cover_the_price_gets_812_and_no_task()
    {
        var caller = await _server.NewCallerAsync(balance: 0.02m);
        var answer = await caller.SubmitAsync(Edit, ValidEdit);
        AssertError(answer, "812", "0.03");
        Assert.Equal(0.02m, await caller.BalanceAsync());
        var status = await caller.PostAsync("/uc/openapi/accountStatus", "{}");
        Assert.Equal("0", (string)status["data"]!["currentTaskCounts"]!);
    }

    [Fact]
    public async Task Errors_keep_the_task_object_shape_with_empty_task_id_and_status()
    {
        var caller = await _server.NewCallerAsync();
        var answer = await caller.SubmitAsync("no-such-model", ValidEdit);
        Assert.Equal("", (string)answer["taskId"]!);
        Assert.Equal("", (string)answer["status"]!);
        Assert.True(answer.ContainsKey("results") && answer["results"] is null);
    }

    [Fact]
    public async Task Unknown_paths_outside_the_api_are_plain_404()
    {
        using var response = await _server.Http.GetAsync("/nothing-here");
        Assert.Equal(System.Net.HttpStatusCode.NotFound, response.StatusCode);
        using var file = await _server.Http.GetAsync("/files/results/0123456789abcdef/0.png");
        Assert.Equal(System.Net.HttpStatusCode.NotFound, file.StatusCode);
        using var escape = await _server.Http.GetAsync("/files/..%2F..%2Frunhub.db");
        Assert.Equal(System.Net.HttpStatusCode.NotFound, escape.StatusCode);
    }

    [Fact]
    public async Task Refusals_no_retry_can_fix_say_so_in_the_words_runninghubs_client_checks_before_retrying()
    {
        // RunningHub's ComfyUI client retries a refused submit unless its message holds one of these words.
        var caller = await _server.NewCallerAsync(balance: 0m);
        Assert.StartsWith("unauthorized: ", (string)(await caller.PostAsync("/openapi/v2/" + Edit, "{}", sendKey: false))["errorMessage"]!);
        Assert.StartsWith("invalid parameter: ", (string)(await caller.SubmitAsync(Edit, new { prompt = "abc" }))["errorMessage"]!);
        Assert.StartsWith("bad request: ", (string)(await caller.SubmitAsync("no/such/model", ValidEdit))["errorMessage"]!);
        Assert.Contains("balance", (string)(await caller.SubmitAsync(Edit, ValidEdit))["errorMessage"]!);
    }

    private static void AssertError(System.Text.Json.Nodes.JsonObject answer, string code, string messagePart)
    {
        Assert.Equal(code, (string)answer["errorCode"]!);
        Assert.Contains(messagePart, (string)answer["errorMessage"]!, StringComparison.OrdinalIgnoreCase);
        Assert.Equal("", (string)answer["taskId"]!);
    }

    [Fact]
    public async Task Non_json_content_type_with_a_json_body_is_still_accepted()
    {
        var caller = await _server.NewCallerAsync();
        using var request = new HttpRequestMessage(HttpMethod.Post, "/openapi/v2/rhart-image-g-1.5/text-to-image")
        {
            Content = new StringContent("{\"prompt\":\"plain text body\",\"aspectRatio\":\"1:1\"}", Encoding.UTF8, "text/plain"),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", caller.ApiKey);
        Assert.Equal("", (string)(await caller.SendAsync(request))["errorCode"]!);
    }
}
