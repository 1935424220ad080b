namespace RunHub.Tests.WebConsole.Support;

/// <summary>
/// A test that drives Chromium (tests/services/chromium.sh installs Debian's chromium-headless-shell and exports
/// RUNHUB_TEST_CHROMIUM). Without a browser it is skipped, saying why, unless RUNHUB_TEST_REQUIRE_SERVICES=1
/// (tests/run, CI): then it runs and fails, so CI never passes by skipping it.
/// </summary>
public sealed class BrowserFactAttribute : FactAttribute
{
    public BrowserFactAttribute()
    {
        if (Browsers.ExecutablePath is not null || Browsers.IsRequired) return;
        Skip = "needs Chromium: run tests/run, or source tests/services/chromium.sh (apt-get install chromium-headless-shell)";
    }
}
