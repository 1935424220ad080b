using System.Net;
using RunHub.Client;
using RunHub.Tests.Client.Support;

namespace RunHub.Tests.Client;

/// <summary>Every envelope and field spelling RunningHub uses reads into the same task, result and error (a scripted server).</summary>
public sealed class EnvelopeParsingTests
{
    private const string Success = """
        "status": "SUCCESS", "errorCode": "", "errorMessage": "", "results": [{"url": "https://cdn.example/a.png", "outputType": "png", "text": null}],
        "clientId": "f828b9af25161bc066ef152db7b29ccc", "promptTips": "{}", "usage": {"consumeMoney": "0.03", "consumeCoins": null, "taskCostTime": "4", "thirdPartyConsumeMoney": 0.02}
        """;

    [Theory]
    [InlineData("""{"taskId": "2013508786110730241", @}""")]
    [InlineData("""{"code": 0, "msg": "success", "data": {"taskId": "2013508786110730241", @}}""")]
    [InlineData("""{"code": "0", "message": "success", "data": {"taskId": "2013508786110730241", @}}""")]
    public async Task The_flat_task_object_and_both_code_envelopes_read_as_the_same_task(string template)
    {
        using var client = Clients.For(new FakeServer().Json(template.Replace("@", Success, StringComparison.Ordinal)));

        var task = await client.QueryAsync("2013508786110730241");

        Assert.Equal("2013508786110730241", task.TaskId);
        Assert.Equal(RunHubTaskStatus.Success, task.Status);
        Assert.Equal("", task.ErrorCode);
        var result = Assert.Single(task.Results);
        Assert.Equal("https://cdn.example/a.png", result.Url);
        Assert.Equal("png", result.OutputType);
        Assert.Equal("f828b9af25161bc066ef152db7b29ccc", task.ClientId);
        Assert.Equal(new TaskUsage(0.03m, null, 4m, 0.02m), task.Usage);
    }

    [Fact]
    public async Task A_task_id_sent_as_a_json_number_keeps_all_its_digits()
    {
        using var client = Clients.For(new FakeServer().Json("""{"taskId": 2013508786110730241, "status": "QUEUED", "errorCode": "", "errorMessage": ""}"""));
        var task = await client.SubmitAsync("m/x", new { prompt = "p" });
        // Through a double this would read 2013508786110730200.
        Assert.Equal("2013508786110730241", task.TaskId);
    }

    [Fact]
    public async Task Result_items_read_url_or_outputUrl_and_text_or_content_or_output()
    {
        using var client = Clients.For(new FakeServer().Json("""
            {"taskId": "1", "status": "SUCCESS", "results": [
              {"url": "https://a/1.png", "outputType": "png"},
              {"outputUrl": "https://a/2.mp4", "outputType": "mp4"},
              {"text": "a caption", "outputType": "txt"},
              {"content": "from content"},
              {"output": "from output"},
              "https://a/bare.png"]}
            """));

        var results = (await client.QueryAsync("1")).Results;

        Assert.Equal(["https://a/1.png", "https://a/2.mp4", null, null, null, "https://a/bare.png"], results.Select(r => r.Url));
        Assert.Equal([null, null, "a caption", "from content", "from output", null], results.Select(r => r.Text));
        Assert.True(results[2].IsText);
        Assert.Equal("mp4", results[1].OutputType);
    }

    [Theory]
    [InlineData("QUEUED", RunHubTaskStatus.Queued)]
    [InlineData("CREATE", RunHubTaskStatus.Queued)]
    [InlineData("RUNNING", RunHubTaskStatus.Running)]
    [InlineData("running", RunHubTaskStatus.Running)]
    [InlineData("SUCCESS", RunHubTaskStatus.Success)]
    [InlineData("FAILED", RunHubTaskStatus.Failed)]
    [InlineData("CANCEL", RunHubTaskStatus.Failed)]
    [InlineData("SOMETHING_NEW", RunHubTaskStatus.Unknown)]
    public async Task Statuses_map_with_CREATE_as_queued_and_CANCEL_as_failed(string raw, RunHubTaskStatus expected)
    {
        using var client = Clients.For(new FakeServer().Json($$"""{"taskId": "1", "status": "{{raw}}", "errorCode": "", "errorMessage": ""}"""));
        var task = await client.QueryAsync("1");
        Assert.Equal(expected, task.Status);
        Assert.Equal(raw, task.RawStatus);
    }

    [Fact]
    public async Task A_cancelled_task_ends_a_wait_as_a_failure_named_CANCEL()
    {
        using var client = Clients.For(new FakeServer()
            .Json("""{"taskId": "7", "status": "RUNNING", "errorCode": "", "errorMessage": ""}""")
            .Json("""{"taskId": "7", "status": "CANCEL", "errorCode": "", "errorMessage": ""}"""));
        var error = await Assert.ThrowsAsync<RunHubException>(() => client.WaitAsync("7"));
        Assert.Equal("CANCEL", error.ErrorCode);
        Assert.Equal("7", error.TaskId);
        Assert.False(error.IsRetryable);
    }

    [Fact]
    public async Task Any_error_message_on_a_task_is_a_failure_even_with_a_running_status()
    {
        using var client = Clients.For(new FakeServer().Json("""{"taskId": "8", "status": "RUNNING", "errorCode": "", "errorMessage": "content moderation"}"""));
        var task = await client.QueryAsync("8");
        Assert.True(task.IsFailed);
        var error = await Assert.ThrowsAsync<RunHubException>(() => client.WaitAsync("8"));
        Assert.Equal("8", error.TaskId);
        Assert.Contains("content moderation", error.Message);
    }

    [Theory]
    [InlineData("""{"code": 1002, "msg": "apikey invalid", "data": null}""", "1002", "apikey invalid")]
    [InlineData("""{"code": "1007", "message": "prompt: required", "data": null}""", "1007", "prompt: required")]
    [InlineData("""{"taskId": "", "status": "", "errorCode": 812, "errorMessage": "balance too low"}""", "812", "balance too low")]
    public async Task A_non_zero_code_or_an_error_without_a_task_is_a_refusal_with_that_code(string body, string code, string message)
    {
        var server = new FakeServer().Json(body);
        using var client = Clients.For(server);
        var error = await Assert.ThrowsAsync<RunHubException>(() => client.SubmitAsync("m/x", new { prompt = "p" }));
        Assert.Equal(code, error.ErrorCode);
        Assert.Equal(message, error.ErrorMessage);
        Assert.False(error.IsRetryable);
        Assert.Single(server.Requests);
    }

    [Fact]
    public async Task Upload_reads_download_url_file_name_type_and_a_numeric_size()
    {
        var server = new FakeServer().Json("""{"code": 0, "msg": "success", "data": {"type": "image", "download_url": "https://cdn.example/u.png", "fileName": "openapi/u.png", "size": 3490}}""");
        using var client = Clients.For(server);
        using var content = new MemoryStream([1, 2, 3]);

        var uploaded = await client.UploadAsync(content, "u.png");

        Assert.Equal(new UploadedFile("https://cdn.example/u.png", "openapi/u.png", "image", 3490), uploaded);
        Assert.Equal("http://runhub.test/openapi/v2/media/upload/binary", server.Requests.Single().Uri.ToString());
        Assert.Contains("name=file", server.Requests.Single().Body);
    }

    [Fact]
    public async Task Account_status_reads_numbers_sent_as_strings_or_numbers()
    {
        var server = new FakeServer().Json("""{"code": 0, "msg": "success", "data": {"remainMoney": 9.94, "currency": "CNY", "remainCoins": "120", "currentTaskCounts": "2", "apiType": "SHARED"}}""");
        using var client = Clients.For(server);
        var status = await client.GetAccountStatusAsync();
        Assert.Equal((9.94m, "CNY", 120m, 2, "SHARED"), (status.RemainMoney, status.Currency, status.RemainCoins, status.CurrentTaskCounts, status.ApiType));
        Assert.Contains("\"apikey\":\"0123456789abcdef0123456789abcdef\"", server.Requests.Single().Body);
    }

    [Fact]
    public async Task Models_read_fixed_and_parameter_based_prices_into_a_few_words()
    {
        using var client = Clients.For(new FakeServer().Json("""
            {"version": "v", "model_count": 2, "models": [
              {"endpoint": "a/fixed", "output_type": "image", "display_name": "A", "params": [], "pricing": {"currency": "CNY", "unit": "/张", "pricing_type": "fixed", "price": 0.33}},
              {"endpoint": "b/rules", "output_type": "video", "params": [{"fieldKey": "resolution", "type": "LIST", "required": true, "options": [{"value": "720p"}, {"value": "1080p"}]}],
               "pricing": {"currency": "CNY", "unit": "/秒", "pricing_type": "parameter_based", "depends_on": ["resolution"], "rules": [{"when": {"resolution": "1080p"}, "price": 1.6}, {"when": {"resolution": "720p"}, "price": 0.9}]}}]}
            """));

        var models = await client.ListModelsAsync();

        Assert.Equal("0.33 CNY/张", models[0].PriceText);
        Assert.Equal("0.9–1.6 CNY/秒 by resolution", models[1].PriceText);
        Assert.Equal(["720p", "1080p"], models[1].Parameters.Single().Options);
    }

    [Theory]
    [InlineData(HttpStatusCode.NotFound, "<html>404</html>", "HTTP 404")]
    [InlineData(HttpStatusCode.OK, """{"code": 1001, "msg": "unknown endpoint"}""", "1001")]
    public async Task A_server_without_a_models_list_says_so(HttpStatusCode status, string body, string code)
    {
        using var client = Clients.For(new FakeServer().Json(body, status), baseUrl: "https://www.runninghub.cn/openapi/v2");
        var error = await Assert.ThrowsAsync<RunHubException>(() => client.ListModelsAsync());
        Assert.Equal(code, error.ErrorCode);
        Assert.StartsWith("this server does not list models", error.ErrorMessage);
    }
}
