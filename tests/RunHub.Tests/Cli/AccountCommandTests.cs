using System.Text.Json;
using System.Text.RegularExpressions;
using RunHub.Tests.Support;

namespace RunHub.Tests.Cli;

/// <summary>The <c>runhub accounts</c> and <c>keys</c> commands, run as the built program.</summary>
public sealed class AccountCommandTests : IDisposable
{
    private readonly TempDirectory _data = new();

    // A data folder as `runhub serve` leaves it: only serve creates one, the admin commands refuse an empty folder.
    public AccountCommandTests() => new RunHub.Data.SqliteDatabase(_data.Path).Dispose();

    public void Dispose() => _data.Dispose();

    private Task<(int ExitCode, string StdOut, string StdErr)> Run(params string[] args) =>
        ServerProcess.RunAsync([.. args, "--data", _data.Path]);

    [Fact]
    public async Task Accounts_create_json_prints_the_id_key_and_balance()
    {
        var (code, stdout, _) = await Run("accounts", "create", "--name", "team-a", "--balance", "100", "--json");
        Assert.Equal(0, code);
        var created = JsonDocument.Parse(stdout).RootElement;
        Assert.Matches(new Regex("^[0-9]{19}$"), created.GetProperty("accountId").GetString()!);
        Assert.Matches(new Regex("^[0-9a-f]{32}$"), created.GetProperty("apiKey").GetString()!);
        Assert.Equal("100.00", created.GetProperty("balance").GetString());
    }

    [Fact]
    public async Task Topup_adds_to_the_wallet_and_list_shows_it()
    {
        var created = JsonDocument.Parse((await Run("accounts", "create", "--name", "team-b", "--balance", "1.5", "--json")).StdOut).RootElement;
        var id = created.GetProperty("accountId").GetString()!;
        var (code, stdout, _) = await Run("accounts", "topup", id, "--amount", "2.25", "--json");
        Assert.Equal(0, code);
        Assert.Equal("3.75", JsonDocument.Parse(stdout).RootElement.GetProperty("balance").GetString());
        var list = JsonDocument.Parse((await Run("accounts", "list", "--json")).StdOut).RootElement;
        Assert.Contains(list.GetProperty("accounts").EnumerateArray(), a => a.GetProperty("accountId").GetString() == id && a.GetProperty("balance").GetString() == "3.75");
    }

    [Fact]
    public async Task Bad_amounts_and_unknown_accounts_are_refused_with_clear_messages()
    {
        var (code, _, stderr) = await Run("accounts", "create", "--name", "x", "--balance", "lots");
        Assert.Equal(2, code);
        Assert.Contains("--balance", stderr);
        (code, _, stderr) = await Run("accounts", "topup", "1234", "--amount", "5");
        Assert.Equal(1, code);
        Assert.Contains("no account 1234", stderr);
        (code, _, stderr) = await Run("accounts", "create", "--name", "  ");
        Assert.Equal(2, code);
        Assert.Contains("non-empty name", stderr);
        (code, _, stderr) = await Run("accounts", "create");
        Assert.Equal(2, code);
        Assert.Contains("--name", stderr);
    }

    [Fact]
    public async Task Keys_are_listed_masked_and_a_revoked_key_is_shown_revoked()
    {
        var created = JsonDocument.Parse((await Run("accounts", "create", "--name", "team-c", "--json")).StdOut).RootElement;
        var id = created.GetProperty("accountId").GetString()!;
        var firstKey = created.GetProperty("apiKey").GetString()!;
        var second = JsonDocument.Parse((await Run("keys", "create", id, "--json")).StdOut).RootElement.GetProperty("apiKey").GetString()!;
        Assert.NotEqual(firstKey, second);

        var (_, listed, _) = await Run("keys", "list", "--account", id);
        Assert.DoesNotContain(firstKey, listed);
        Assert.DoesNotContain(second, listed);
        Assert.Contains(firstKey[..4] + new string('*', 24) + firstKey[^4..], listed);

        Assert.Equal(0, (await Run("keys", "revoke", firstKey)).ExitCode);
        var keys = JsonDocument.Parse((await Run("keys", "list", "--account", id, "--json")).StdOut).RootElement.GetProperty("keys").EnumerateArray().ToList();
        Assert.Equal(2, keys.Count);
        Assert.Single(keys, k => k.GetProperty("revoked").GetBoolean());
        Assert.Equal(1, (await Run("keys", "revoke", firstKey)).ExitCode);
    }

    [Fact]
    public async Task Revoking_a_masked_key_shared_by_two_accounts_revokes_nothing_and_lists_both()
    {
        var database = new RunHub.Data.SqliteDatabase(_data.Path);
        var accounts = new RunHub.Accounts.AccountDirectory(database, TimeProvider.System);
        var (keyA, accountA, keyB, accountB) = await Data.KeyRevocationTests.TwoAccountsSharingAHintAsync(accounts, database);

        var (code, _, stderr) = await Run("keys", "revoke", "46eb****0634");

        Assert.Equal(1, code);
        Assert.Contains("matches 2 live keys", stderr);
        Assert.Contains(accountA, stderr);
        Assert.Contains(accountB, stderr);
        Assert.Contains("--account", stderr);
        Assert.NotNull(await accounts.AuthenticateAsync(keyA));
        Assert.NotNull(await accounts.AuthenticateAsync(keyB));

        var (revoked, stdout, _) = await Run("keys", "revoke", "46eb****0634", "--account", accountB, "--json");
        Assert.Equal(0, revoked);
        Assert.Equal(accountB, JsonDocument.Parse(stdout).RootElement.GetProperty("accountId").GetString());
        Assert.Null(await accounts.AuthenticateAsync(keyB));
        Assert.NotNull(await accounts.AuthenticateAsync(keyA));
    }
}
