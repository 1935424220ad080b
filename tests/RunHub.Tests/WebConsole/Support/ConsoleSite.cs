using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using RunHub.Tests.Support;
using RunHub.WebConsole.Users;
using static Microsoft.Playwright.Assertions;

namespace RunHub.Tests.WebConsole.Support;

/// <summary>The real server with its console, and what a test does as a person on it: sign in, look, take a picture.</summary>
public static class ConsoleSite
{
    public const string Password = "correct horse battery";

    /// <summary>A user of the console made as <c>runhub admin create</c> or sign-up makes one.</summary>
    public static async Task<ConsoleUser> CreateUserAsync(this TestServer server, string email, bool isOperator = false)
    {
        var (user, problem) = await server.Services.GetRequiredService<ConsoleUsers>().CreateAsync(email, Password, isOperator);
        return user ?? throw new InvalidOperationException(problem);
    }

    public static async Task SignInAsync(this IPage page, string email, string password = Password)
    {
        await page.GotoAsync("/console/signin");
        await page.GetByLabel("Email").FillAsync(email);
        await page.GetByLabel("Password").FillAsync(password);
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
    }

    public static async Task ExpectHeadingAsync(this IPage page, string heading) =>
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = heading, Level = 1 })).ToBeVisibleAsync();

    /// <summary>
    /// Saves a picture of the page as docs/console/<paramref name="name"/>.png when RUNHUB_SCREENSHOTS_DIR names a
    /// folder (how docs/console.md's pictures are made); otherwise nothing, to keep the suite fast.
    /// </summary>
    public static async Task ScreenshotAsync(this IPage page, string name)
    {
        if (Environment.GetEnvironmentVariable("RUNHUB_SCREENSHOTS_DIR") is not { Length: > 0 } dir) return;
        Directory.CreateDirectory(dir);
        // The top of the page, as it opens: a click further down (a download link) has scrolled it.
        await page.EvaluateAsync("window.scrollTo(0, 0)");
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(dir, name + ".png"), FullPage = false });
    }
}
