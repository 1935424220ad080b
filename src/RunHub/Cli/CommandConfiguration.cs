namespace RunHub.Cli;

/// <summary>
/// The configuration the admin commands read: the same sources as <c>serve</c> (<see cref="RunHubConfiguration"/>),
/// so <c>runhub accounts</c> finds the same data folder and database.
/// </summary>
public static class CommandConfiguration
{
    /// <param name="dataDir">The <c>--data</c> flag, when given.</param>
    /// <exception cref="Microsoft.Extensions.Options.OptionsValidationException">A setting is invalid.</exception>
    public static RunHubOptions Load(string? dataDir)
    {
        var settings = new Dictionary<string, string?>();
        if (!string.IsNullOrWhiteSpace(dataDir)) settings[$"{RunHubOptions.Section}:DataDir"] = dataDir;
        return RunHubConfiguration.Load(settings);
    }
}
