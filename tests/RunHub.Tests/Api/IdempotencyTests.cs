using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Dapper;
using Microsoft.Extensions.DependencyInjection;
using RunHub.Data;
using RunHub.Tests.Support;

namespace RunHub.Tests.Api;

/// <summary><c>Idempotency-Key</c> on submit: a retried request returns its task and is charged once.</summary>
public sealed class IdempotencyTests : IAsyncLifetime
{
    private const string Endpoint = "/openapi/v2/rhart-image-g-1.5/text-to-image";
    private TestServer _server = null!;

    public async Task InitializeAsync() => _server = await TestServer.StartAsync();

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task The_same_key_and_request_return_the_same_task_and_charge_once()
    {
        var caller = await _server.NewCallerAsync(balance: 1m);
        var first = await SubmitAsync(caller, "retry-1", new { prompt = "charged only once", aspectRatio = "1:1" });
        var (second, replayed) = await SubmitWithHeadersAsync(caller, "retry-1", new { prompt = "charged only once", aspectRatio = "1:1" });
        Assert.Equal("", (string)first["errorCode"]!);
        Assert.Equal((string)first["taskId"]!, (string)second["taskId"]!);
        Assert.True(replayed);
        Assert.Equal(0.97m, await caller.BalanceAsync());
    }

    [Fact]
    public async Task The_same_key_with_a_different_request_is_1007_naming_the_key()
    {
        var caller = await _server.NewCallerAsync(balance: 1m);
        await SubmitAsync(caller, "reused", new { prompt = "the first request", aspectRatio = "1:1" });
        var other = await SubmitAsync(caller, "reused", new { prompt = "a different request", aspectRatio = "1:1" });
        Assert.Equal("1007", (string)other["errorCode"]!);
        Assert.Contains("Idempotency-Key 'reused'", (string)other["errorMessage"]!);
        Assert.Equal(0.97m, await caller.BalanceAsync());
    }

    /// <summary>
    /// Before 2026-12-01 a model submit's fingerprint left its webhookUrl out (a workflow run's had it): the same key with
    /// another webhook replayed the first task, and the second webhook was dropped without a word.
    /// </summary>
    [Fact]
    public async Task The_same_key_with_another_webhookUrl_or_one_added_is_1007()
    {
        var caller = await _server.NewCallerAsync(balance: 1m);
        var first = await SubmitAsync(caller, "hooked", new { prompt = "tell a", aspectRatio = "1:1", webhookUrl = "https://example.com/a" });
        var again = await SubmitAsync(caller, "hooked", new { prompt = "tell a", aspectRatio = "1:1", webhookUrl = "https://example.com/a" });
        var otherHook = await SubmitAsync(caller, "hooked", new { prompt = "tell a", aspectRatio = "1:1", webhookUrl = "https://example.com/b" });
        await SubmitAsync(caller, "unhooked", new { prompt = "tell nobody", aspectRatio = "1:1" });
        var hookAdded = await SubmitAsync(caller, "unhooked", new { prompt = "tell nobody", aspectRatio = "1:1", webhookUrl = "https://example.com/a" });

        Assert.Equal((string)first["taskId"]!, (string)again["taskId"]!);
        Assert.Equal("1007", (string)otherHook["errorCode"]!);
        Assert.Equal("1007", (string)hookAdded["errorCode"]!);
        Assert.Equal(0.94m, await caller.BalanceAsync());
    }

    [Fact]
    public async Task Keys_belong_to_their_account()
    {
        var one = await _server.NewCallerAsync(balance: 1m, name: "one");
        var two = await _server.NewCallerAsync(balance: 1m, name: "two");
        var a = await SubmitAsync(one, "shared-key", new { prompt = "the same words", aspectRatio = "1:1" });
        var b = await SubmitAsync(two, "shared-key", new { prompt = "the same words", aspectRatio = "1:1" });
        Assert.NotEqual((string)a["taskId"]!, (string)b["taskId"]!);
        Assert.Equal(0.97m, await two.BalanceAsync());
    }

    [Fact]
    public async Task A_key_older_than_24_hours_starts_a_new_task()
    {
        var caller = await _server.NewCallerAsync(balance: 1m);
        var first = await SubmitAsync(caller, "day-old", new { prompt = "yesterday's request", aspectRatio = "1:1" });
        using (var db = _server.Services.GetRequiredService<SqliteDatabase>().Open())
            db.Execute("UPDATE idempotency_keys SET created_at = created_at - 25 * 3600 * 1000 WHERE key = 'day-old'");
        var again = await SubmitAsync(caller, "day-old", new { prompt = "yesterday's request", aspectRatio = "1:1" });
        Assert.NotEqual((string)first["taskId"]!, (string)again["taskId"]!);
        Assert.Equal(0.94m, await caller.BalanceAsync());
    }

    [Fact]
    public async Task A_refused_submit_leaves_its_key_unused()
    {
        var caller = await _server.NewCallerAsync(balance: 0.01m);
        var poor = await SubmitAsync(caller, "after-topup", new { prompt = "not enough money yet", aspectRatio = "1:1" });
        Assert.Equal("812", (string)poor["errorCode"]!);
        await _server.Accounts.TopUpAsync(caller.AccountId, RunHub.Accounts.Money.FromDecimal(1m));
        var paid = await SubmitAsync(caller, "after-topup", new { prompt = "not enough money yet", aspectRatio = "1:1" });
        Assert.Equal("", (string)paid["errorCode"]!);
    }

    [Fact]
    public async Task Concurrent_retries_with_one_key_create_one_task()
    {
        var caller = await _server.NewCallerAsync(balance: 1m);
        var answers = await Task.WhenAll(Enumerable.Range(0, 10).Select(_ =>
            SubmitAsync(caller, "burst", new { prompt = "sent ten times at once", aspectRatio = "1:1" })));
        Assert.Single(answers.Select(a => (string)a["taskId"]!).Distinct());
        Assert.Equal(0.97m, await caller.BalanceAsync());
    }

    [Fact]
    public async Task A_malformed_key_is_1007()
    {
        var caller = await _server.NewCallerAsync();
        var answer = await SubmitAsync(caller, "has spaces in it", new { prompt = "bad key header", aspectRatio = "1:1" });
        Assert.Equal("1007", (string)answer["errorCode"]!);
        Assert.Contains("Idempotency-Key", (string)answer["errorMessage"]!);
    }

    /// <summary>
    /// Before 2026-12-01 two <c>Idempotency-Key</c> headers were joined by HTTP into one key, <c>a,b</c>, which neither
    /// retry would send alone: the submit was created and charged under a key nobody holds.
    /// </summary>
    [Fact]
    public async Task A_key_header_sent_twice_is_1007_and_nothing_is_charged()
    {
        var caller = await _server.NewCallerAsync(balance: 1m);
        var (_, answer) = await RawHttp.SendAsync(_server.BaseUrl, Endpoint, HeaderTwice.Lines("Idempotency-Key", "first", "second", caller.ApiKey),
            JsonSerializer.SerializeToUtf8Bytes(new { prompt = "two keys", aspectRatio = "1:1" }), TimeSpan.FromSeconds(30));

        Assert.Equal("1007", answer.GetProperty("errorCode").GetString());
        Assert.Equal("invalid parameter: Idempotency-Key: sent 2 times; send it once", answer.GetProperty("errorMessage").GetString());
        Assert.Equal(1m, await caller.BalanceAsync());
    }

    [Fact]
    public async Task Without_an_API_key_a_key_header_sent_twice_is_refused_for_the_missing_key_first()
    {
        var (_, answer) = await RawHttp.SendAsync(_server.BaseUrl, Endpoint, HeaderTwice.Lines("Idempotency-Key", "first", "second"),
            JsonSerializer.SerializeToUtf8Bytes(new { prompt = "no key", aspectRatio = "1:1" }), TimeSpan.FromSeconds(30));

        Assert.Equal("1002", answer.GetProperty("errorCode").GetString());
    }

    private static async Task<JsonObject> SubmitAsync(ApiCaller caller, string key, object body) =>
        (await SubmitWithHeadersAsync(caller, key, body)).Answer;

    private static async Task<(JsonObject Answer, bool Replayed)> SubmitWithHeadersAsync(ApiCaller caller, string key, object body)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, Endpoint)
        {
            Content = new StringContent(JsonSerializer.Serialize(body), Encoding.UTF8, "application/json"),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", caller.ApiKey);
        request.Headers.Add("Idempotency-Key", key);
        using var response = await caller.Http.SendAsync(request);
        var replayed = response.Headers.TryGetValues("Idempotent-Replayed", out var values) && values.Contains("true");
        return ((JsonNode.Parse(await response.Content.ReadAsStringAsync()) as JsonObject)!, replayed);
    }
}
