using System.Text.Json;
using RunHub.Tests.Support;

namespace RunHub.Tests.Cli;

/// <summary><c>runhub accounts retention</c>, run as the built program.</summary>
public sealed class AccountRetentionCommandTests : IDisposable
{
    private readonly TempDirectory _data = new();

    public AccountRetentionCommandTests() => new RunHub.Data.SqliteDatabase(_data.Path).Dispose();

    public void Dispose() => _data.Dispose();

    private Task<(int ExitCode, string StdOut, string StdErr)> Run(params string[] args) =>
        ServerProcess.RunAsync([.. args, "--data", _data.Path]);

    [Fact]
    public async Task Retention_shows_sets_and_resets_an_accounts_own_retention()
    {
        var id = JsonDocument.Parse((await Run("accounts", "create", "--name", "archive", "--json")).StdOut).RootElement.GetProperty("accountId").GetString()!;

        var (code, stdout, _) = await Run("accounts", "retention", id);
        Assert.Equal(0, code);
        Assert.Contains("server's RunHub:Retention:Days", stdout);
        (code, stdout, _) = await Run("accounts", "retention", id, "--days", "30", "--json");
        Assert.Equal(0, code);
        var set = JsonDocument.Parse(stdout).RootElement;
        Assert.Equal(30, set.GetProperty("retentionDays").GetDouble());
        Assert.False(set.GetProperty("usesServerDefault").GetBoolean());
        (code, stdout, _) = await Run("accounts", "retention", id, "--default", "--json");
        Assert.Equal(0, code);
        Assert.True(JsonDocument.Parse(stdout).RootElement.GetProperty("usesServerDefault").GetBoolean());
    }

    [Fact]
    public async Task Retention_refuses_bad_days_and_unknown_accounts_with_clear_messages()
    {
        var (code, _, stderr) = await Run("accounts", "retention", "1234", "--days", "0");
        Assert.Equal(2, code);
        Assert.Contains("--days: '0'", stderr);
        (code, _, stderr) = await Run("accounts", "retention", "1234", "--days", "3", "--default");
        Assert.Equal(2, code);
        Assert.Contains("one of them", stderr);
        (code, _, stderr) = await Run("accounts", "retention", "1234", "--days", "3");
        Assert.Equal(1, code);
        Assert.Contains("no account 1234", stderr);
    }
}
