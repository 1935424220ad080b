using System.Text.Json.Nodes;
using RunHub.Accounts;
using RunHub.Tests.Support;

namespace RunHub.Tests.Data;

/// <summary><c>runhub accounts</c> and <c>keys</c> use the store the configuration names, as the server does.</summary>
public sealed class StoreCommandTests
{
    [PostgresFact]
    public async Task Accounts_and_keys_commands_work_on_the_PostgreSQL_store_of_RunHub__Store__Postgres()
    {
        using var store = new TestStore(StoreKind.Postgres);
        var environment = store.ProcessEnvironment;
        using var elsewhere = new TempDirectory();   // --data is not where the accounts go

        var created = await RunJsonAsync(environment, "accounts", "create", "--name", "pg-team", "--balance", "5", "--json", "--data", elsewhere.Path);
        var accountId = (string)created["accountId"]!;
        var apiKey = (string)created["apiKey"]!;
        var topped = await RunJsonAsync(environment, "accounts", "topup", accountId, "--amount", "2.5", "--json");
        Assert.Equal("7.50", (string)topped["balance"]!);
        var second = (string)(await RunJsonAsync(environment, "keys", "create", accountId, "--json"))["apiKey"]!;
        var revoked = await ServerProcess.RunAsync(["keys", "revoke", second], environment);
        Assert.Equal(0, revoked.ExitCode);

        var accounts = new AccountDirectory(store.Database, TimeProvider.System);
        Assert.Equal(accountId, await accounts.AuthenticateAsync(apiKey));
        Assert.Null(await accounts.AuthenticateAsync(second));
        Assert.Equal(Money.FromDecimal(7.5m), (await accounts.FindAsync(accountId))!.Balance);
        Assert.False(File.Exists(Path.Combine(elsewhere.Path, "runhub.db")));
    }

    [Fact]
    public async Task Serve_stops_with_a_plain_message_when_PostgreSQL_cannot_be_reached()
    {
        using var data = new TempDirectory();
        var port = ServerProcess.FreePort();   // nothing listens there
        var environment = new Dictionary<string, string>
        {
            ["RunHub__Store__Postgres"] = $"Host=127.0.0.1;Port={port};Database=runhub;Username=runhub;Password=not-shown;Timeout=5",
        };

        var serve = await ServerProcess.RunAsync(["serve", "--urls", $"http://127.0.0.1:{ServerProcess.FreePort()}", "--data", data.Path], environment);
        Assert.NotEqual(0, serve.ExitCode);
        Assert.Contains($"cannot use PostgreSQL 127.0.0.1:{port}/runhub (RunHub:Store:Postgres)", serve.StdErr);
        Assert.DoesNotContain("not-shown", serve.StdErr + serve.StdOut);
        Assert.DoesNotContain("   at ", serve.StdErr);
    }

    private static async Task<JsonObject> RunJsonAsync(Dictionary<string, string> environment, params string[] args)
    {
        var (exitCode, stdout, stderr) = await ServerProcess.RunAsync(args, environment);
        Assert.True(exitCode == 0, $"runhub {string.Join(' ', args)} exited {exitCode}: {stderr}");
        return (JsonNode.Parse(stdout) as JsonObject)!;
    }
}
