using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using RunHub.Tests.Support;

namespace RunHub.Tests.Compat;

/// <summary>
/// The calls RunningHub's Go SDK (difyz9/runninghub-sdk-go) makes that RunHub lacked: <c>POST
/// /openapi/v2/price-preview/{model}</c>, <c>GET /openapi/v2/api-key/list</c>, <c>GET /openapi/v2/queue/status</c>,
/// replayed with its habits (<c>User-Agent: runninghub-go-sdk/0.1</c>, bodies from Go's JSON encoder with its trailing
/// newline) and read into the types it reads them into: the answer's fields must have exactly those JSON kinds, or Go's
/// decoder fails or quietly reads a zero. Before issue 10, RunHub answered these with a 1001 task object, which the SDK
/// read as "price 0, no error".
/// </summary>
public sealed class GoSdkTests : IAsyncLifetime
{
    private TestServer _server = null!;

    public async Task InitializeAsync() => _server = await TestServer.StartAsync(new Dictionary<string, string?>
    {
        ["Engines:Sandbox:DelayMs"] = "60000",
        ["Queue:Workers"] = "1",
    });

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task Price_preview_answers_what_the_submit_would_cost_and_charges_nothing()
    {
        var caller = await _server.NewCallerAsync(balance: 1m);
        var preview = await SendAsync(caller.ApiKey, HttpMethod.Post, "/openapi/v2/price-preview/rhart-image-g-1.5/edit",
            """{"prompt":"a lighthouse at dawn","imageUrls":["https://example.com/a.png"],"aspectRatio":"2:3"}""" + "\n");

        AssertKinds(preview, ("estimatedPrice", JsonValueKind.Number), ("currency", JsonValueKind.String), ("freeLimit", JsonValueKind.False),
            ("isFreeThisCall", JsonValueKind.False), ("priceText", JsonValueKind.String), ("priceTextEn", JsonValueKind.String),
            ("remainingFreeLimitCount", JsonValueKind.String), ("freeLimitCount", JsonValueKind.String));
        Assert.Equal(0.03m, preview.GetProperty("estimatedPrice").GetDecimal());
        Assert.Equal("CNY", preview.GetProperty("currency").GetString());
        Assert.Equal("¥0.03/次", preview.GetProperty("priceText").GetString());
        Assert.Equal("CNY 0.03/call", preview.GetProperty("priceTextEn").GetString());
        Assert.Equal(1m, await caller.BalanceAsync());
        var queue = await SendAsync(caller.ApiKey, HttpMethod.Get, "/openapi/v2/queue/status");
        Assert.Equal("0", queue.GetProperty("data").GetProperty("totalCurrentTasks").GetString());
    }

    [Fact]
    public async Task Price_preview_refuses_what_the_submit_would_refuse_with_the_same_code()
    {
        var caller = await _server.NewCallerAsync();
        const string badBody = """{"prompt":"abc","imageUrls":["https://example.com/a.png"],"aspectRatio":"2:3"}""";
        var preview = await SendAsync(caller.ApiKey, HttpMethod.Post, "/openapi/v2/price-preview/rhart-image-g-1.5/edit", badBody);
        var submit = await SendAsync(caller.ApiKey, HttpMethod.Post, "/openapi/v2/rhart-image-g-1.5/edit", badBody);
        Assert.Equal("1007", preview.GetProperty("errorCode").GetString());
        Assert.Equal(submit.GetProperty("errorMessage").GetString(), preview.GetProperty("errorMessage").GetString());
        Assert.Equal("1001", (await SendAsync(caller.ApiKey, HttpMethod.Post, "/openapi/v2/price-preview/no/such-model", "{}")).GetProperty("errorCode").GetString());
        Assert.Equal("1002", (await SendAsync(new string('0', 32), HttpMethod.Post, "/openapi/v2/price-preview/rhart-image-g-1.5/edit", badBody))
            .GetProperty("errorCode").GetString());
    }

    [Fact]
    public async Task The_key_list_holds_the_accounts_keys_masked_with_runninghubs_fields()
    {
        var caller = await _server.NewCallerAsync();
        var second = await _server.Accounts.CreateKeyAsync(caller.AccountId);
        Assert.True((await _server.Accounts.RevokeKeyAsync(second)).Revoked);
        var stranger = await _server.NewCallerAsync();

        var list = await SendAsync(caller.ApiKey, HttpMethod.Get, "/openapi/v2/api-key/list");
        Assert.Equal(0, list.GetProperty("code").GetInt32());
        var keys = list.GetProperty("data").EnumerateArray().ToList();
        Assert.Equal(2, keys.Count);
        foreach (var key in keys)
        {
            AssertKinds(key, ("key", JsonValueKind.String), ("status", JsonValueKind.Number), ("visible", JsonValueKind.False),
                ("createdAt", JsonValueKind.String), ("quotaLimit", JsonValueKind.Null), ("quotaUsed", JsonValueKind.Null),
                ("expireAt", JsonValueKind.Null), ("expireInMinute", JsonValueKind.Null));
            Assert.DoesNotContain(caller.ApiKey, key.GetRawText());
            Assert.DoesNotContain(stranger.ApiKey[^4..], key.GetProperty("key").GetString());
        }
        Assert.Equal($"{caller.ApiKey[..4]}{new string('*', 24)}{caller.ApiKey[^4..]}", keys[0].GetProperty("key").GetString());
        Assert.Equal([1, 0], keys.Select(k => k.GetProperty("status").GetInt32()));
        Assert.Matches("^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z$", keys[0].GetProperty("createdAt").GetString());
    }

    [Fact]
    public async Task Queue_status_counts_the_accounts_running_and_queued_tasks_from_the_database()
    {
        var caller = await _server.NewCallerAsync();
        for (var i = 0; i < 3; i++) await caller.SubmitAsync("rhart-image-g-1.5/text-to-image", new { prompt = "a slow lighthouse " + i, aspectRatio = "1:1" });
        // The one worker holds one task for a minute: wait (on the database, polling) until it has claimed it.
        JsonElement data = default;
        for (var i = 0; i < 600 && (data.ValueKind == JsonValueKind.Undefined || data.GetProperty("runningCount").GetString() != "1"); i++)
        {
            if (i > 0) await Task.Delay(50);
            data = (await SendAsync(caller.ApiKey, HttpMethod.Get, "/openapi/v2/queue/status")).GetProperty("data");
        }

        AssertKinds(data, ("apiKeyType", JsonValueKind.String), ("concurrentLimit", JsonValueKind.Number), ("runningCount", JsonValueKind.String),
            ("queuedCount", JsonValueKind.String), ("totalCurrentTasks", JsonValueKind.String));
        Assert.Equal("1", data.GetProperty("runningCount").GetString());
        Assert.Equal("2", data.GetProperty("queuedCount").GetString());
        Assert.Equal("3", data.GetProperty("totalCurrentTasks").GetString());
        Assert.Equal(1, data.GetProperty("concurrentLimit").GetInt32());
        var stranger = await _server.NewCallerAsync();
        Assert.Equal("0", (await SendAsync(stranger.ApiKey, HttpMethod.Get, "/openapi/v2/queue/status")).GetProperty("data").GetProperty("totalCurrentTasks").GetString());
    }

    [Theory]
    [InlineData("/openapi/v2/api-key/list")]
    [InlineData("/openapi/v2/queue/status")]
    public async Task The_account_calls_refuse_a_wrong_key_in_their_envelope(string path)
    {
        var answer = await SendAsync(new string('0', 32), HttpMethod.Get, path);
        Assert.Equal(1002, answer.GetProperty("code").GetInt32());
        Assert.Equal(JsonValueKind.Null, answer.GetProperty("data").ValueKind);
        var wrongMethod = await SendAsync(new string('0', 32), HttpMethod.Post, path, "{}");
        Assert.Equal(1009, wrongMethod.GetProperty("code").GetInt32());
        Assert.Contains("use GET", wrongMethod.GetProperty("msg").GetString());
    }

    private async Task<JsonElement> SendAsync(string apiKey, HttpMethod method, string path, string? body = null)
    {
        using var request = new HttpRequestMessage(method, path);
        request.Headers.TryAddWithoutValidation("User-Agent", "runninghub-go-sdk/0.1");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", apiKey);
        if (body is not null) request.Content = new StringContent(body, Encoding.UTF8, "application/json");
        using var response = await _server.Http.SendAsync(request);
        Assert.Equal(System.Net.HttpStatusCode.OK, response.StatusCode);
        using var document = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return document.RootElement.Clone();
    }

    /// <summary>Each field is present with the JSON kind the Go SDK's struct field takes.</summary>
    private static void AssertKinds(JsonElement answer, params (string Field, JsonValueKind Kind)[] fields)
    {
        foreach (var (field, kind) in fields)
        {
            Assert.True(answer.TryGetProperty(field, out var value), $"{field} missing: {answer}");
            Assert.True(value.ValueKind == kind, $"{field} is {value.ValueKind}, the Go SDK reads {kind}: {answer}");
        }
    }
}
