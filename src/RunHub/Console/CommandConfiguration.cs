namespace RunHub.Console;

/// <summary>
/// The configuration the non-server commands read: the same appsettings.json and RunHub__* environment
/// variables as <c>serve</c>, so <c>runhub accounts</c> finds the same data folder.
/// </summary>
public static class CommandConfiguration
{
    public static RunHubOptions Load(string? dataDir)
    {
        var configuration = new ConfigurationBuilder()
            .SetBasePath(AppContext.BaseDirectory)
            .AddJsonFile("appsettings.json", optional: true)
            .AddEnvironmentVariables()
            .Build();
        var options = configuration.GetSection(RunHubOptions.Section).Get<RunHubOptions>() ?? new RunHubOptions();
        if (!string.IsNullOrWhiteSpace(dataDir)) options.DataDir = dataDir;
        return options;
    }
}
