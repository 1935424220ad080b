using Dapper;
using Microsoft.Extensions.DependencyInjection;
using RunHub.Data;
using RunHub.Tests.Support;

namespace RunHub.Tests.Api;

/// <summary>Money: reserved at submit, settled on success, released on failure, never below zero.</summary>
public sealed class WalletTests : IAsyncLifetime
{
    private TestServer _server = null!;

    public async Task InitializeAsync() => _server = await TestServer.StartAsync(new Dictionary<string, string?>
    {
        ["Engines:Sandbox:DelayMs"] = "200",
        ["Media:AllowPrivateNetworks"] = "false",
    });

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task Concurrent_submits_from_one_wallet_never_overdraw_it()
    {
        var caller = await _server.NewCallerAsync(balance: 0.30m);
        var submits = Enumerable.Range(0, 40).Select(i =>
            caller.SubmitAsync("rhart-image-g-1.5/text-to-image", new { prompt = "parallel submit " + i, aspectRatio = "1:1" }));
        var answers = await Task.WhenAll(submits);

        var accepted = answers.Where(a => (string)a["errorCode"]! == "").ToList();
        Assert.Equal(10, accepted.Count);
        Assert.All(answers.Except(accepted), a => Assert.Equal("812", (string)a["errorCode"]!));
        Assert.Equal(0m, await caller.BalanceAsync());
        foreach (var task in accepted) Assert.Equal("SUCCESS", (string)(await caller.WaitAsync((string)task["taskId"]!))["status"]!);
        Assert.Equal(0m, await caller.BalanceAsync());
        AssertLedgerMatchesBalance(caller.AccountId);
    }

    [Fact]
    public async Task A_failed_task_releases_its_charge()
    {
        var caller = await _server.NewCallerAsync(balance: 1m);
        // A loopback input is refused by the SSRF guard, so the task fails after it was charged.
        var submitted = await caller.SubmitAsync("rhart-image-g-1.5/edit",
            new { prompt = "this input is refused", imageUrls = new[] { "http://127.0.0.1:9/a.png" }, aspectRatio = "1:1" });
        Assert.Equal("", (string)submitted["errorCode"]!);
        var done = await caller.WaitAsync((string)submitted["taskId"]!);
        Assert.Equal("FAILED", (string)done["status"]!);
        Assert.Equal("1013", (string)done["errorCode"]!);
        Assert.Null(done["usage"]);
        Assert.Equal(1m, await caller.BalanceAsync());
        AssertLedgerMatchesBalance(caller.AccountId);
    }

    [Fact]
    public async Task Balance_is_held_while_a_task_runs_and_charged_once_when_it_succeeds()
    {
        var caller = await _server.NewCallerAsync(balance: 1m);
        var submitted = await caller.SubmitAsync("rhart-image-g-1.5/text-to-image", new { prompt = "held then charged", aspectRatio = "3:2" });
        Assert.Equal(0.97m, await caller.BalanceAsync());
        await caller.WaitAsync((string)submitted["taskId"]!);
        Assert.Equal(0.97m, await caller.BalanceAsync());
        using var db = _server.Services.GetRequiredService<SqliteDatabase>().Open();
        var kinds = db.Query<string>("SELECT kind FROM ledger WHERE task_id = @id ORDER BY id", new { id = (string)submitted["taskId"]! }).ToList();
        Assert.Equal(["reserve", "settle"], kinds);
        AssertLedgerMatchesBalance(caller.AccountId);
    }

    private void AssertLedgerMatchesBalance(string accountId)
    {
        using var db = _server.Services.GetRequiredService<SqliteDatabase>().Open();
        var balance = db.ExecuteScalar<long>("SELECT balance FROM accounts WHERE id = @accountId", new { accountId });
        var ledger = db.ExecuteScalar<long>("SELECT sum(amount) FROM ledger WHERE account_id = @accountId", new { accountId });
        var held = db.ExecuteScalar<long>("SELECT sum(held) FROM ledger WHERE account_id = @accountId", new { accountId });
        var open = db.ExecuteScalar<long>("SELECT coalesce(sum(price), 0) FROM tasks WHERE account_id = @accountId AND status IN ('QUEUED', 'RUNNING')", new { accountId });
        Assert.Equal(balance, ledger);
        Assert.Equal(open, held);
        Assert.True(balance >= 0);
    }
}
