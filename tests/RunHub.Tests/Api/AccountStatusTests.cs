using System.Text.Json;
using RunHub.Tests.Support;

namespace RunHub.Tests.Api;

public sealed class AccountStatusTests : IAsyncLifetime
{
    private TestServer _server = null!;

    public async Task InitializeAsync() => _server = await TestServer.StartAsync(new Dictionary<string, string?> { ["Engines:Sandbox:DelayMs"] = "3000" });

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task Account_status_by_body_apikey_answers_in_runninghubs_envelope()
    {
        var caller = await _server.NewCallerAsync(balance: 0.91m);
        var status = await caller.PostAsync("/uc/openapi/accountStatus", JsonSerializer.Serialize(new { apikey = caller.ApiKey }), sendKey: false);
        Assert.Equal(0, (int)status["code"]!);
        Assert.Equal("success", (string)status["msg"]!);
        var data = status["data"]!;
        Assert.Equal("0.91", (string)data["remainMoney"]!);
        Assert.Equal("CNY", (string)data["currency"]!);
        Assert.Equal("0", (string)data["remainCoins"]!);
        Assert.Equal("0", (string)data["currentTaskCounts"]!);
        Assert.Equal("SHARED", (string)data["apiType"]!);
    }

    [Fact]
    public async Task Account_status_by_bearer_counts_unfinished_tasks()
    {
        var caller = await _server.NewCallerAsync();
        await caller.SubmitAsync("rhart-image-g-1.5/text-to-image", new { prompt = "slow task one", aspectRatio = "1:1" });
        await caller.SubmitAsync("rhart-image-g-1.5/text-to-image", new { prompt = "slow task two", aspectRatio = "1:1" });
        var status = await caller.PostAsync("/uc/openapi/accountStatus", "");
        Assert.Equal("2", (string)status["data"]!["currentTaskCounts"]!);
        Assert.Equal("9.94", (string)status["data"]!["remainMoney"]!);
    }

    [Fact]
    public async Task Account_status_with_a_bad_key_is_code_1002_and_wrong_method_1009()
    {
        var caller = await _server.NewCallerAsync();
        var status = await caller.PostAsync("/uc/openapi/accountStatus", JsonSerializer.Serialize(new { apikey = new string('0', 32) }), sendKey: false);
        Assert.Equal(1002, (int)status["code"]!);
        Assert.Null(status["data"]);
        using var get = await _server.Http.GetAsync("/uc/openapi/accountStatus");
        var body = JsonDocument.Parse(await get.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal(1009, body.GetProperty("code").GetInt32());
    }
}
