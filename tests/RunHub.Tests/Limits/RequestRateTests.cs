using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using Dapper;
using Microsoft.Extensions.DependencyInjection;
using RunHub.Accounts;
using RunHub.Data;
using RunHub.Limits;
using RunHub.Tests.Data;
using RunHub.Tests.Engines.Dispatch;
using RunHub.Tests.Support;

namespace RunHub.Tests.Limits;

/// <summary>Requests per minute per key, counted in the database: on two nodes of one PostgreSQL, and the server's default on SQLite.</summary>
public sealed class RequestRateTests
{
    [PostgresFact]
    public async Task A_keys_requests_per_minute_hold_across_two_nodes_and_the_refusal_says_when_to_retry()
    {
        using var store = new TestStore(StoreKind.Postgres);
        var time = new MovableTime();
        var settings = new Dictionary<string, string?>(store.ServerSettings) { ["Role"] = "api" };
        await using var first = await TestServer.StartAsync(settings, configureServices: s => s.AddSingleton<TimeProvider>(time));
        await using var second = await TestServer.StartAsync(settings, configureServices: s => s.AddSingleton<TimeProvider>(time));
        var account = await first.Accounts.CreateAsync("rated", Money.FromDecimal(10m));
        await new KeyPolicies(first.Services.GetRequiredService<Database>()).SetAsync(account.ApiKey, new KeyPolicies.Change { RequestsPerMinute = 5 });
        // Away from a minute's edge, so every request below falls in one window.
        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        if (now % 60_000 > 45_000) time.Advance(TimeSpan.FromMilliseconds(60_000 - now % 60_000 + 1000));

        var answers = new List<(JsonObject Body, HttpResponseMessage Response)>();
        for (var i = 0; i < 8; i++) answers.Add(await QueueStatusAsync(i % 2 == 0 ? first : second, account.ApiKey));

        Assert.Equal(5, answers.Count(a => (int)a.Body["code"]! == 0));
        var refused = answers.Where(a => (int)a.Body["code"]! != 0).ToList();
        Assert.Equal(3, refused.Count);
        Assert.All(refused, a =>
        {
            Assert.Equal(1003, (int)a.Body["code"]!);
            Assert.Matches(@"this key may make 5 requests a minute; retry in \d+ s", (string)a.Body["msg"]!);
            Assert.InRange(int.Parse(a.Response.Headers.RetryAfter!.ToString(), System.Globalization.CultureInfo.InvariantCulture), 1, 60);
        });
        // A submit is refused the same way, in the task object's shape, before any work.
        var submit = await new ApiCaller(first.Http, account.AccountId, account.ApiKey).SubmitAsync("rhart-image-g-1.5/text-to-image",
            new { prompt = "a lighthouse at dawn", aspectRatio = "1:1" });
        Assert.Equal(("1003", ""), ((string)submit["errorCode"]!, (string)submit["taskId"]!));
        // Another key of the account has its own minute.
        var otherKey = await first.Accounts.CreateKeyAsync(account.AccountId);
        Assert.Equal(0, (int)(await QueueStatusAsync(second, otherKey)).Body["code"]!);

        time.Advance(TimeSpan.FromMinutes(1));
        Assert.Equal(0, (int)(await QueueStatusAsync(second, account.ApiKey)).Body["code"]!);
        Assert.Equal(0, (int)(await QueueStatusAsync(first, account.ApiKey)).Body["code"]!);
    }

    /// <summary>
    /// Before 2026-12-01 every request that found its node's share of the minute empty asked the database for a share of
    /// its own: 20 requests arriving together took ten shares (the whole minute's limit) for one node, in 20 write
    /// transactions, leaving nothing for the key's other nodes.
    /// </summary>
    [PostgresFact]
    public async Task Requests_that_find_the_share_empty_together_wait_for_one_take_from_the_database()
    {
        using var store = new TestStore(StoreKind.Postgres);
        var time = new MovableTime();
        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        if (now % 60_000 > 45_000) time.Advance(TimeSpan.FromMilliseconds(60_000 - now % 60_000 + 1000));
        now = time.GetUtcNow().ToUnixTimeMilliseconds();
        var window = new { keyHash = "key-hash", window = now - now % 60_000 };
        var limiter = new KeyRateLimiter(store.Database, time);
        await using var db = await store.Database.OpenAsync();
        await db.ExecuteAsync("INSERT INTO rate_windows (key_hash, window_start, used) VALUES (@keyHash, @window, 0)", window);

        // The minute's row is locked until every request has found the share empty, so no take can finish before then.
        List<Task<TimeSpan?>> requests;
        await using (var holder = await db.BeginTransactionAsync())
        {
            await db.ExecuteAsync("SELECT used FROM rate_windows WHERE key_hash = @keyHash AND window_start = @window FOR UPDATE", window, holder);
            requests = Enumerable.Range(0, 20).Select(_ => limiter.TryAcquireAsync("key-hash", 1000).AsTask()).ToList();
            await holder.CommitAsync();
        }
        var answers = await Task.WhenAll(requests);

        Assert.All(answers, wait => Assert.Null(wait));
        Assert.Equal(100, await db.ExecuteScalarAsync<long>("SELECT used FROM rate_windows WHERE key_hash = @keyHash AND window_start = @window", window));
    }

    [Fact]
    public async Task The_servers_default_rate_applies_to_keys_without_their_own_and_zero_is_no_limit()
    {
        var time = new MovableTime();
        await using var server = await TestServer.StartAsync(new Dictionary<string, string?>
        {
            ["Role"] = "api", ["KeyCacheSeconds"] = "0", ["Limits:RequestsPerMinute"] = "2",
        }, configureServices: s => s.AddSingleton<TimeProvider>(time));
        var caller = await server.NewCallerAsync();
        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        if (now % 60_000 > 45_000) time.Advance(TimeSpan.FromMilliseconds(60_000 - now % 60_000 + 1000));
        Assert.Equal(0, (int)(await QueueStatusAsync(server, caller.ApiKey)).Body["code"]!);
        Assert.Equal(0, (int)(await QueueStatusAsync(server, caller.ApiKey)).Body["code"]!);
        Assert.Equal(1003, (int)(await QueueStatusAsync(server, caller.ApiKey)).Body["code"]!);

        await new KeyPolicies(server.Services.GetRequiredService<Database>()).SetAsync(caller.ApiKey, new KeyPolicies.Change { RequestsPerMinute = 0 });
        for (var i = 0; i < 5; i++) Assert.Equal(0, (int)(await QueueStatusAsync(server, caller.ApiKey)).Body["code"]!);
        // An unknown key is the call's own 1002, not counted.
        Assert.Equal(1002, (int)(await QueueStatusAsync(server, new string('0', 32))).Body["code"]!);
    }

    private static async Task<(JsonObject Body, HttpResponseMessage Response)> QueueStatusAsync(TestServer server, string key)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/openapi/v2/queue/status");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key);
        var response = await server.Http.SendAsync(request);
        return (JsonNode.Parse(await response.Content.ReadAsStringAsync())!.AsObject(), response);
    }
}
