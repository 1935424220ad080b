using Microsoft.Extensions.DependencyInjection;
using RunHub.Accounts;
using RunHub.Tests.Support;
using RunHub.Tests.WebConsole.Support;

namespace RunHub.Tests.WebConsole;

/// <summary>
/// <c>RunHub:Limits:MaxKeysPerAccount</c>: each key has its own request rate, so the console's Keys page creates no
/// more live keys than an account may have.
/// </summary>
public sealed class ConsoleKeyLimitTests
{
    [Fact]
    public async Task The_keys_page_creates_no_more_live_keys_than_the_account_may_have_and_revoking_one_makes_room()
    {
        await using var server = await TestServer.StartAsync(new Dictionary<string, string?> { ["Limits:MaxKeysPerAccount"] = "2" });
        var user = await server.CreateUserAsync("kim@example.com");
        using var browser = new FormClient(server.BaseUrl);
        Assert.Contains("Dashboard", await browser.SignInAsync("kim@example.com", ConsoleSite.Password));

        for (var i = 0; i < 2; i++)
            Assert.Contains("data-testid=\"new-key\"", await browser.PostFormAsync("/console/keys", "create-key", new() { ["Name"] = $"key {i}" }));
        var refused = await browser.PostFormAsync("/console/keys", "create-key", new() { ["Name"] = "one too many" });
        Assert.DoesNotContain("data-testid=\"new-key\"", refused);
        Assert.Contains("This account has 2 API keys, as many as it may have (2); revoke one it no longer uses first.", refused);
        var keys = server.Services.GetRequiredService<AccountKeys>();
        var listed = await keys.ListAsync(user.AccountId);
        Assert.Equal(2, listed.Count);

        Assert.True(await keys.RevokeAsync(user.AccountId, listed[0].KeyHash));
        Assert.Contains("data-testid=\"new-key\"", await browser.PostFormAsync("/console/keys", "create-key", new() { ["Name"] = "in its place" }));
        Assert.Equal(3, (await keys.ListAsync(user.AccountId)).Count);
    }

    [Fact]
    public void At_most_50_live_keys_by_default_and_a_negative_limit_stops_the_start_naming_the_setting()
    {
        Assert.Equal(50, new RunHubOptions().Limits.MaxKeysPerAccount);
        var options = new RunHubOptions { Limits = new RunHub.Limits.LimitsOptions { MaxKeysPerAccount = -1 } };
        var failure = Assert.Single(new RunHubOptionsValidation().Validate(null, options).Failures!);
        Assert.Contains("RunHub:Limits:MaxKeysPerAccount (RunHub__Limits__MaxKeysPerAccount) is -1", failure);
    }
}
