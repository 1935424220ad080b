using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using RunHub.Accounts;
using RunHub.Data;
using RunHub.Tests.Engines.Dispatch;
using RunHub.Tests.Support;
using RunHub.Tests.Workflows;

namespace RunHub.Tests.Limits;

/// <summary>
/// A key's request rate and expiry hold whatever carries the key: a Bearer header, <c>apiKey</c> in a v1 JSON body, a
/// multipart form field, the query string, <c>accountStatus</c>'s <c>apikey</c>. Each request counts once.
/// </summary>
public sealed class KeyCarrierTests
{
    /// <summary>Every way a call carries its key other than a Bearer header, as RunningHub's clients send it.</summary>
    public static TheoryData<string> Carriers => ["v1 create body", "v1 status body", "v1 upload form", "apiCallDemo query", "accountStatus body", "getWebhookDetail body"];

    [Theory]
    [MemberData(nameof(Carriers))]
    public async Task A_key_over_its_rate_gets_1003_with_Retry_After_when_it_sends_the_key_outside_a_Bearer_header(string carrier)
    {
        await using var setup = await StartAsync();
        await SetAsync(setup.Server, setup.Key, new KeyPolicies.Change { RequestsPerMinute = 2 });

        Assert.NotEqual(1003, (await CallAsync(setup.Server, carrier, setup.Key)).Code);
        Assert.NotEqual(1003, (await CallAsync(setup.Server, carrier, setup.Key)).Code);
        var (code, message, retryAfter) = await CallAsync(setup.Server, carrier, setup.Key);
        Assert.Equal(1003, code);
        Assert.Matches(@"this key may make 2 requests a minute; retry in \d+ s", message);
        Assert.InRange(retryAfter ?? 0, 1, 60);
    }

    [Theory]
    [MemberData(nameof(Carriers))]
    public async Task An_expired_key_is_refused_as_invalid_whatever_carries_it(string carrier)
    {
        await using var setup = await StartAsync();
        var past = setup.Server.Services.GetRequiredService<TimeProvider>().GetUtcNow().AddSeconds(-1).ToUnixTimeMilliseconds();
        await SetAsync(setup.Server, setup.Key, new KeyPolicies.Change { ExpiresAt = past });

        var (code, message, _) = await CallAsync(setup.Server, carrier, setup.Key);
        Assert.Equal(carrier == "accountStatus body" ? 1002 : 802, code);
        Assert.Contains("invalid or revoked API key", message);
    }

    [Fact]
    public async Task A_call_with_a_Bearer_key_counts_once_even_when_its_body_carries_the_same_key()
    {
        await using var setup = await StartAsync();
        await SetAsync(setup.Server, setup.Key, new KeyPolicies.Change { RequestsPerMinute = 3 });
        var bearer = new ApiCaller(setup.Server.Http, "", setup.Key);

        var run = await bearer.PostAsync($"/openapi/v2/run/workflow/{WorkflowFolder.WorkflowId}", "{}");
        Assert.Equal("", (string)run["errorCode"]!);
        var status = await bearer.PostAsync("/task/openapi/status", JsonSerializer.Serialize(new { apiKey = setup.Key, taskId = (string)run["taskId"]! }));
        Assert.Equal(0, (int)status["code"]!);
        Assert.Equal(0, (int)(await bearer.PostAsync("/uc/openapi/accountStatus", JsonSerializer.Serialize(new { apikey = setup.Key })))["code"]!);
        // Three requests, three counted: the fourth is over the rate.
        Assert.Equal(1003, (int)(await bearer.PostAsync("/uc/openapi/accountStatus", "{}"))["code"]!);
    }

    private sealed record Setup(OfflineWorkflowServer Workflows, TestServer Server, string Key) : IAsyncDisposable
    {
        public ValueTask DisposeAsync() => Workflows.DisposeAsync();
    }

    /// <summary>The workflow test catalog on a server whose clock stays inside one minute for the test.</summary>
    private static async Task<Setup> StartAsync()
    {
        var time = new MovableTime();
        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        if (now % 60_000 > 45_000) time.Advance(TimeSpan.FromMilliseconds(60_000 - now % 60_000 + 1000));
        var workflows = await OfflineWorkflowServer.StartAsync(new Dictionary<string, string?> { ["KeyCacheSeconds"] = "0" }, s => s.AddSingleton<TimeProvider>(time));
        return new Setup(workflows, workflows.Server, workflows.V1.ApiKey);
    }

    private static async Task SetAsync(TestServer server, string key, KeyPolicies.Change change) =>
        Assert.Null((await new KeyPolicies(server.Services.GetRequiredService<Database>()).SetAsync(key, change)).Error);

    /// <summary>One call with the key carried as <paramref name="carrier"/> says: the envelope's code and msg, and Retry-After in seconds.</summary>
    private static async Task<(int Code, string Message, int? RetryAfter)> CallAsync(TestServer server, string carrier, string key)
    {
        using var request = carrier switch
        {
            "v1 create body" => Json("/task/openapi/create", new { apiKey = key, workflowId = WorkflowFolder.WorkflowId }),
            "v1 status body" => Json("/task/openapi/status", new { apiKey = key, taskId = "2013508786110730241" }),
            "v1 upload form" => new HttpRequestMessage(HttpMethod.Post, "/task/openapi/upload")
            {
                Content = new MultipartFormDataContent { { new StringContent(key), "apiKey" }, { new StringContent("input"), "fileType" } },
            },
            "apiCallDemo query" => new HttpRequestMessage(HttpMethod.Get, $"/api/webapp/apiCallDemo?apiKey={key}&webappId={WorkflowFolder.WebappId}"),
            "accountStatus body" => Json("/uc/openapi/accountStatus", new { apikey = key }),
            "getWebhookDetail body" => Json("/task/openapi/getWebhookDetail", new { apiKey = key, taskId = "2013508786110730241" }),
            _ => throw new ArgumentOutOfRangeException(nameof(carrier)),
        };
        using var response = await server.Http.SendAsync(request);
        var body = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        return ((int)body["code"]!, (string)body["msg"]!, (int?)response.Headers.RetryAfter?.Delta?.TotalSeconds);
    }

    private static HttpRequestMessage Json(string path, object body) =>
        new(HttpMethod.Post, path) { Content = new StringContent(JsonSerializer.Serialize(body), Encoding.UTF8, new MediaTypeHeaderValue("application/json")) };
}
