using Microsoft.Extensions.DependencyInjection;
using RunHub.Accounts;
using RunHub.Tests.Support;
using RunHub.Tests.WebConsole.Support;
using RunHub.WebConsole.Admin;

namespace RunHub.Tests.WebConsole;

/// <summary>
/// What a hand-made form post or link (helper-63) gets from the console: a message that says what was wrong, never a
/// failed page (500), and never money past the largest balance or a code used up for nothing.
/// </summary>
public sealed class ConsoleFormRefusalTests
{
    [Fact]
    public async Task A_two_factor_key_and_a_wallet_link_the_pages_did_not_make_are_said_to_be_wrong()
    {
        await using var server = await TestServer.StartAsync();
        await server.CreateUserAsync("june@example.com");
        using var browser = new FormClient(server.BaseUrl);
        Assert.Contains("Dashboard", await browser.SignInAsync("june@example.com", ConsoleSite.Password));

        foreach (var secret in new[] { "!!!!", "A", new string('a', 32) })
        {
            var page = await browser.PostFormAsync("/console/account", "totp-confirm", new() { ["Secret"] = secret, ["ConfirmCode"] = "123456" });
            Assert.Contains("That key is not one this page made", page);
        }

        foreach (var before in new[] { "abc", "99999999999999999999", "-5" })
        {
            var wallet = await browser.GetRawAsync("/console/wallet?before=" + before);
            Assert.StartsWith("200\n", wallet);
            Assert.Contains("is not a ledger position; this is the newest page", wallet);
        }
        // An empty one is the newest page, said nothing about.
        Assert.DoesNotContain("not a ledger position", await browser.GetRawAsync("/console/wallet?before="));
    }

    [Fact]
    public async Task Money_past_the_largest_balance_is_refused_with_a_message_and_a_code_that_would_pass_it_stays_unused()
    {
        await using var server = await TestServer.StartAsync();
        var ops = await server.CreateUserAsync("ops@example.com", isOperator: true);
        var operatorId = new Operator(ops.Id, ops.Email);
        var user = await server.CreateUserAsync("kim@example.com");
        var admin = server.Services.GetRequiredService<AccountAdministration>();
        var nearlyFull = Money.Max - Money.FromDecimal(1m);
        Assert.Null(await admin.TopUpAsync(operatorId, user.AccountId, nearlyFull, "a large customer"));

        // Before: the top-up's and the code's overflow were 500s, and an adjustment went past the largest balance.
        Assert.StartsWith("Amount: account ", await admin.TopUpAsync(operatorId, user.AccountId, Money.FromDecimal(2m), "too much"));
        Assert.StartsWith("Amount: account ", await admin.AdjustAsync(operatorId, user.AccountId, Money.FromDecimal(2m), "too much"));
        var (_, codes, problem) = await admin.CreateCodesAsync(operatorId, Money.FromDecimal(5m), 1, null, "promo");
        Assert.Null(problem);
        using var browser = new FormClient(server.BaseUrl);
        Assert.Contains("Dashboard", await browser.SignInAsync("kim@example.com", ConsoleSite.Password));
        var redeemed = await browser.PostFormAsync("/console/wallet", "redeem", new() { ["Code"] = codes[0] });
        Assert.Contains("This code would take the wallet past the largest balance", redeemed);

        Assert.Equal(nearlyFull, (await server.Accounts.FindAsync(user.AccountId))!.Balance);
        Assert.Equal(0, (await server.Services.GetRequiredService<TopUpCodes>().ListBatchesAsync()).Single().Redeemed);
        // An adjustment within the bounds still works, down and up.
        Assert.Null(await admin.AdjustAsync(operatorId, user.AccountId, Money.FromDecimal(-1m), "correction"));
        Assert.Null(await admin.AdjustAsync(operatorId, user.AccountId, Money.FromDecimal(2m), "correction"));
        Assert.Equal(Money.Max, (await server.Accounts.FindAsync(user.AccountId))!.Balance);
    }

    [Fact]
    public async Task Sign_up_by_invitation_says_an_address_is_registered_only_to_someone_holding_a_usable_code()
    {
        await using var server = await TestServer.StartAsync();
        var ops = await server.CreateUserAsync("ops@example.com", isOperator: true);
        await server.CreateUserAsync("alice@example.com");
        var (_, codes, _) = await server.Services.GetRequiredService<AccountAdministration>()
            .CreateCodesAsync(new Operator(ops.Id, ops.Email), Money.FromDecimal(1m), 1, null, "invitations");
        using var browser = new FormClient(server.BaseUrl);
        Dictionary<string, string> SignUp(string email, string invite) => new() { ["Email"] = email, ["Password"] = ConsoleSite.Password, ["Invite"] = invite };

        // Before, a made-up code told a registered address from an unknown one.
        var guessed = await browser.PostFormAsync("/console/signup", "signup", SignUp("alice@example.com", "RH-00000-00000-00000-00000"));
        Assert.Contains("Invitation code: No such top-up code", guessed);
        Assert.DoesNotContain("exists already", guessed);

        var holding = await browser.PostFormAsync("/console/signup", "signup", SignUp("alice@example.com", codes[0]));
        Assert.Contains("an account with this address exists already", holding);
        // The code was not used by the refused sign-up.
        Assert.Contains("Dashboard", await browser.PostFormAsync("/console/signup", "signup", SignUp("bea@example.com", codes[0])));
    }

    [Fact]
    public async Task A_code_batch_with_an_expiry_that_is_not_a_date_is_refused_not_made_to_never_expire()
    {
        await using var server = await TestServer.StartAsync();
        await server.CreateUserAsync("ops@example.com", isOperator: true);
        using var browser = new FormClient(server.BaseUrl);
        Assert.Contains("Dashboard", await browser.SignInAsync("ops@example.com", ConsoleSite.Password));

        var page = await browser.PostFormAsync("/console/admin/codes", "batch",
            new() { ["Amount"] = "1", ["Count"] = "2", ["Expires"] = "garbage", ["Note"] = "n" });

        Assert.Contains("Expires: &#x27;garbage&#x27; is not a date such as 2027-01-31", page);
        Assert.Empty(await server.Services.GetRequiredService<TopUpCodes>().ListBatchesAsync());
        Assert.Contains("RH-", await browser.PostFormAsync("/console/admin/codes", "batch",
            new() { ["Amount"] = "1", ["Count"] = "1", ["Expires"] = "2099-12-31", ["Note"] = "n" }));
        Assert.NotNull(Assert.Single(await server.Services.GetRequiredService<TopUpCodes>().ListBatchesAsync()).ExpiresAt);
    }

    [Fact]
    public async Task A_key_whose_request_limit_is_0_shows_no_request_limit()
    {
        await using var server = await TestServer.StartAsync();
        var user = await server.CreateUserAsync("lee@example.com");
        var key = (await server.Services.GetRequiredService<AccountKeys>().CreateAsync(user.AccountId, null)).Key!;
        var policies = new KeyPolicies(server.Services.GetRequiredService<RunHub.Data.Database>());
        Assert.Null((await policies.SetAsync(key, new KeyPolicies.Change { RequestsPerMinute = 0 })).Error);
        using var browser = new FormClient(server.BaseUrl);
        Assert.Contains("Dashboard", await browser.SignInAsync("lee@example.com", ConsoleSite.Password));

        var keys = await browser.GetAsync("/console/keys");

        Assert.Contains("no request limit", keys);
        Assert.DoesNotContain("0 requests/min", keys);
    }
}
