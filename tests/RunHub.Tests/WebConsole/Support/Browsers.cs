using Microsoft.Playwright;

namespace RunHub.Tests.WebConsole.Support;

/// <summary>
/// One headless Chromium per test class (a class fixture): Debian's build, driven by Playwright for .NET. Each
/// person in a test gets a context of their own (their own cookies), as separate browsers would.
/// </summary>
public sealed class Browsers : IAsyncLifetime
{
    private IPlaywright? _playwright;
    private IBrowser? _browser;

    public static bool IsRequired => Environment.GetEnvironmentVariable("RUNHUB_TEST_REQUIRE_SERVICES") == "1";

    public static string? ExecutablePath =>
        Environment.GetEnvironmentVariable("RUNHUB_TEST_CHROMIUM") is { Length: > 0 } path && File.Exists(path) ? path
        : new[] { "/usr/bin/chromium-headless-shell", "/usr/bin/chromium" }.FirstOrDefault(File.Exists);

    public IBrowser Browser => _browser ?? throw new InvalidOperationException("the browser did not start");

    public async Task InitializeAsync()
    {
        var path = ExecutablePath ?? throw new InvalidOperationException(
            "no Chromium: tests/services/chromium.sh installs chromium-headless-shell (tests/run sources it)");
        _playwright = await Playwright.CreateAsync();
        _browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions { ExecutablePath = path, Headless = true });
    }

    /// <summary>A fresh person: their own cookies, a desktop-sized window, pages that fail loudly on a slow wait.</summary>
    public async Task<IPage> NewPersonAsync(string baseUrl)
    {
        var context = await Browser.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = baseUrl,
            ViewportSize = new ViewportSize { Width = 1180, Height = 860 },
            AcceptDownloads = true,
        });
        context.SetDefaultTimeout(30_000);
        return await context.NewPageAsync();
    }

    public async Task DisposeAsync()
    {
        if (_browser is not null) await _browser.DisposeAsync();
        _playwright?.Dispose();
    }
}
