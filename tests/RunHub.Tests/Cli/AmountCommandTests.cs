using System.Text.Json;
using RunHub.Accounts;
using RunHub.Tests.Support;

namespace RunHub.Tests.Cli;

/// <summary>
/// Amounts given to <c>runhub accounts</c> (issue 11 item 12): an amount too large, too precise or a wallet that
/// would pass the largest balance is one plain line on stderr, never a stack trace, and nothing is written.
/// </summary>
public sealed class AmountCommandTests : IDisposable
{
    private readonly TempDirectory _data = new();

    // A data folder as `runhub serve` leaves it: only serve creates one, the admin commands refuse an empty folder.
    public AmountCommandTests() => new RunHub.Data.SqliteDatabase(_data.Path).Dispose();

    public void Dispose() => _data.Dispose();

    private Task<(int ExitCode, string StdOut, string StdErr)> Run(params string[] args) =>
        ServerProcess.RunAsync([.. args, "--data", _data.Path]);

    private async Task<string> CreateAccountAsync(string balance = "1")
    {
        var (_, stdout, _) = await Run("accounts", "create", "--name", "team", "--balance", balance, "--json");
        return JsonDocument.Parse(stdout).RootElement.GetProperty("accountId").GetString()!;
    }

    private static void AssertOnePlainLine(string stderr, string fragment)
    {
        var line = Assert.Single(stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith("runhub: ", line);
        Assert.Contains(fragment, line);
        Assert.DoesNotContain("Exception", line);
    }

    [Fact]
    public async Task A_top_up_that_would_pass_the_largest_balance_is_refused_in_one_line_and_changes_nothing()
    {
        var id = await CreateAccountAsync();
        Assert.Equal(0, (await Run("accounts", "topup", id, "--amount", "600000000000")).ExitCode);

        var (code, _, stderr) = await Run("accounts", "topup", id, "--amount", "600000000000");

        Assert.Equal(1, code);
        AssertOnePlainLine(stderr, "would pass the largest balance, 1000000000000.00 CNY");
        var list = JsonDocument.Parse((await Run("accounts", "list", "--json")).StdOut).RootElement;
        Assert.Equal("600000000001.00", list.GetProperty("accounts").EnumerateArray().Single().GetProperty("balance").GetString());
    }

    [Theory]
    [InlineData("99999999999999999999999999999", "more than the largest amount")]
    [InlineData("999999999999999999999999999999999999", "more than the largest amount")]
    [InlineData("4000000000000000", "more than the largest amount")]
    [InlineData("1.0001", "more than three decimals")]
    [InlineData("1e9", "not an amount such as 100 or 12.50")]
    [InlineData("-5", "not an amount such as 100 or 12.50")]
    [InlineData("0", "not a positive amount")]
    public async Task A_top_up_amount_that_cannot_be_taken_is_a_usage_error_in_one_line(string amount, string message)
    {
        var id = await CreateAccountAsync();

        var (code, _, stderr) = await Run("accounts", "topup", id, "--amount", amount);

        Assert.Equal(2, code);
        AssertOnePlainLine(stderr, "--amount: ");
        Assert.Contains(message, stderr);
    }

    [Fact]
    public async Task An_opening_balance_too_large_is_a_usage_error_in_one_line()
    {
        var (code, _, stderr) = await Run("accounts", "create", "--name", "x", "--balance", "99999999999999999999999999999");

        Assert.Equal(2, code);
        AssertOnePlainLine(stderr, "--balance: '99999999999999999999999999999' is more than the largest amount");
    }

    [Fact]
    public async Task A_bootstrap_balance_with_four_decimals_stops_serve_with_the_setting_named()
    {
        var (code, _, stderr) = await ServerProcess.RunAsync(["serve", "--urls", "http://127.0.0.1:0", "--data", _data.Path],
            new Dictionary<string, string> { ["RunHub__BootstrapBalance"] = "10.0001" });

        Assert.Equal(1, code);
        AssertOnePlainLine(stderr, "RunHub:BootstrapBalance (RunHub__BootstrapBalance)");
        Assert.Contains("more than three decimals", stderr);
    }

    [Fact]
    public void Money_arithmetic_never_wraps_around()
    {
        Assert.Throws<OverflowException>(() => Money.Max * long.MaxValue);
        Assert.Throws<OverflowException>(() => new Money(long.MaxValue) + new Money(1));
        // The largest unit price times the most units a price counts stays within the largest amount.
        Assert.Equal(Money.Max, Money.MaxUnitPrice * 1_000_000);
    }
}
