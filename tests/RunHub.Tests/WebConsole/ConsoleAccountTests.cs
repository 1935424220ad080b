using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using OtpNet;
using RunHub.Accounts;
using RunHub.Tests.Support;
using RunHub.Tests.WebConsole.Support;
using static Microsoft.Playwright.Assertions;

namespace RunHub.Tests.WebConsole;

/// <summary>A user's own session and tasks in a real browser: cancelling a slow task, two-factor sign-in, passwords, sessions.</summary>
public sealed class ConsoleAccountTests(Browsers browsers) : IClassFixture<Browsers>
{
    [BrowserFact]
    public async Task A_slow_task_is_cancelled_from_its_page_and_its_charge_comes_back()
    {
        // A sandbox that takes a minute per task: the task is still running when the user cancels it.
        await using var server = await TestServer.StartAsync(new Dictionary<string, string?> { ["Engines:Sandbox:DelayMs"] = "60000" });
        var user = await server.CreateUserAsync("carol@example.com");
        await server.Services.GetRequiredService<AccountDirectory>().TopUpAsync(user.AccountId, Money.FromDecimal(1m));
        var key = (await server.Services.GetRequiredService<AccountKeys>().CreateAsync(user.AccountId, "script")).Key!;
        var submitted = await new ApiCaller(server.Http, user.AccountId, key)
            .SubmitAsync("rhart-image-g-1.5/text-to-image", new { prompt = "a lighthouse at dawn", aspectRatio = "1:1" });
        var taskId = (string)submitted["taskId"]!;

        var page = await browsers.NewPersonAsync(server.BaseUrl);
        await page.SignInAsync("carol@example.com");
        await page.GotoAsync("/console/tasks/" + taskId);
        await Expect(page.GetByTestId("task-status")).ToHaveTextAsync(new System.Text.RegularExpressions.Regex("QUEUED|RUNNING"));
        await page.GetByRole(AriaRole.Button, new() { Name = "Cancel task" }).ClickAsync();
        // A running task is stopped by its worker within seconds; the page follows it live until it ends.
        await Expect(page.GetByTestId("task-status")).ToHaveTextAsync("CANCEL", new() { Timeout = 60_000 });
        // The poll shows the end first, then loads the page again; leaving before that load would race it.
        await Expect(page.Locator("[data-live-task]")).ToHaveCountAsync(0);
        await page.GotoAsync("/console/wallet");
        await Expect(page.Locator("tr", new() { HasText = "release" })).ToContainTextAsync(taskId);
        await Expect(page.GetByTestId("balance")).ToHaveTextAsync("1.00 CNY");
    }

    [BrowserFact]
    public async Task Two_factor_sign_in_takes_an_app_code_once_or_a_recovery_code_and_sign_out_everywhere_ends_other_sessions()
    {
        await using var server = await TestServer.StartAsync();
        await server.CreateUserAsync("dave@example.com");
        var page = await browsers.NewPersonAsync(server.BaseUrl);
        await page.GotoAsync("/console/signin");
        await page.ScreenshotAsync("signin");
        await page.SignInAsync("dave@example.com");
        await page.ExpectHeadingAsync("Dashboard");

        // Turn on two-factor sign-in with the key the page shows, as an authenticator app would read it.
        await page.GotoAsync("/console/account");
        await page.GetByRole(AriaRole.Button, new() { Name = "Set up two-factor sign-in" }).ClickAsync();
        var secret = (await page.GetByTestId("totp-secret").InnerTextAsync()).Trim();
        var app = new Totp(Base32Encoding.ToBytes(secret));
        await page.GetByLabel("The 6-digit code your app shows").FillAsync("000000" == app.ComputeTotp() ? "111111" : "000000");
        await page.GetByRole(AriaRole.Button, new() { Name = "Turn on" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Alert)).ToContainTextAsync("does not match");
        await page.GetByLabel("The 6-digit code your app shows").FillAsync(app.ComputeTotp());
        await page.GetByRole(AriaRole.Button, new() { Name = "Turn on" }).ClickAsync();
        var recovery = (await page.GetByTestId("recovery-codes").InnerTextAsync()).Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        Assert.Equal(10, recovery.Length);
        await page.ScreenshotAsync("account");

        // Signing in now asks for the app's code after the password; the same code is not accepted twice.
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign out", Exact = true }).ClickAsync();
        await page.SignInAsync("dave@example.com");
        await page.ExpectHeadingAsync("Two-factor sign-in");
        await page.ScreenshotAsync("signin-two-factor");
        var code = app.ComputeTotp();
        await page.GetByLabel("Code").FillAsync(code);
        await page.GetByRole(AriaRole.Button, new() { Name = "Verify" }).ClickAsync();
        await page.ExpectHeadingAsync("Dashboard");
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign out", Exact = true }).ClickAsync();
        await page.SignInAsync("dave@example.com");
        await page.GetByLabel("Code").FillAsync(code);
        await page.GetByRole(AriaRole.Button, new() { Name = "Verify" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Alert)).ToContainTextAsync("not right");

        // A recovery code works once instead.
        await page.GetByLabel("Code").FillAsync(recovery[0].ToLowerInvariant().Replace("-", ""));
        await page.GetByRole(AriaRole.Button, new() { Name = "Verify" }).ClickAsync();
        await page.ExpectHeadingAsync("Dashboard");

        // A second browser signed in with a recovery code; "sign out everywhere" in the first ends it too.
        var other = await browsers.NewPersonAsync(server.BaseUrl);
        await other.SignInAsync("dave@example.com");
        await other.GetByLabel("Code").FillAsync(recovery[1]);
        await other.GetByRole(AriaRole.Button, new() { Name = "Verify" }).ClickAsync();
        await other.ExpectHeadingAsync("Dashboard");
        await page.GotoAsync("/console/account");
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign out everywhere" }).ClickAsync();
        await page.ExpectHeadingAsync("Sign in");
        await other.GotoAsync("/console/keys");
        await other.ExpectHeadingAsync("Sign in");
    }

    [BrowserFact]
    public async Task A_keys_own_limits_set_by_an_operator_show_on_the_keys_page_and_a_key_without_any_shows_none()
    {
        await using var server = await TestServer.StartAsync();
        var user = await server.CreateUserAsync("frank@example.com");
        var keys = server.Services.GetRequiredService<AccountKeys>();
        var limited = (await keys.CreateAsync(user.AccountId, "limited")).Key!;
        await keys.CreateAsync(user.AccountId, "open");
        var expires = DateTimeOffset.Parse("2027-01-31T00:00:00Z", System.Globalization.CultureInfo.InvariantCulture).ToUnixTimeMilliseconds();
        var (_, error) = await new KeyPolicies(server.Services.GetRequiredService<RunHub.Data.Database>()).SetAsync(limited, new KeyPolicies.Change
        {
            RequestsPerMinute = 60,
            SpendCap = 5_000,
            ExpiresAt = expires,
            AllowedModels = ["rhart-image-g-1.5/edit"],
        });
        Assert.Null(error);

        var page = await browsers.NewPersonAsync(server.BaseUrl);
        await page.SignInAsync("frank@example.com");
        await page.GotoAsync("/console/keys");
        await Expect(page.Locator("tr", new() { HasText = "limited" }).GetByTestId("key-limits")).ToHaveTextAsync(
            "60 requests/min · spend cap 5.00 CNY (0.00 CNY spent) · expires 2027-01-31 00:00:00 UTC · models: rhart-image-g-1.5/edit");
        await Expect(page.Locator("tr", new() { HasText = "open" }).GetByTestId("key-limits")).ToHaveTextAsync("none");
    }

    [BrowserFact]
    public async Task Changing_the_password_keeps_this_session_ends_the_others_and_the_old_password_stops_working()
    {
        await using var server = await TestServer.StartAsync();
        await server.CreateUserAsync("erin@example.com");
        var page = await browsers.NewPersonAsync(server.BaseUrl);
        var other = await browsers.NewPersonAsync(server.BaseUrl);
        await page.SignInAsync("erin@example.com");
        await other.SignInAsync("erin@example.com");
        await other.ExpectHeadingAsync("Dashboard");

        await page.GotoAsync("/console/account");
        await page.GetByLabel("Current password").FillAsync(ConsoleSite.Password);
        await page.GetByLabel("New password").FillAsync("short");
        await page.GetByRole(AriaRole.Button, new() { Name = "Change password" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Alert)).ToContainTextAsync("at least 10 characters");
        await page.GetByLabel("Current password").FillAsync(ConsoleSite.Password);
        await page.GetByLabel("New password").FillAsync("a much longer passphrase");
        await page.GetByRole(AriaRole.Button, new() { Name = "Change password" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync("Password changed");

        await page.GotoAsync("/console/dashboard");
        await page.ExpectHeadingAsync("Dashboard");
        await other.GotoAsync("/console/dashboard");
        await other.ExpectHeadingAsync("Sign in");
        await other.SignInAsync("erin@example.com");
        await Expect(other.GetByRole(AriaRole.Alert)).ToContainTextAsync("Wrong email or password");
        await other.SignInAsync("erin@example.com", "a much longer passphrase");
        await other.ExpectHeadingAsync("Dashboard");
    }
}
