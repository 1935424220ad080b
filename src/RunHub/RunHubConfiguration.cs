using Microsoft.Extensions.Options;

namespace RunHub;

/// <summary>
/// Where every command reads its settings, in this order, later winning: <c>appsettings.json</c> beside the program,
/// <c>appsettings.{DOTNET_ENVIRONMENT}.json</c>, environment variables (<c>RunHub__Queue__Workers=8</c>), then the
/// command's own flags. <c>serve</c> and the admin commands use the same sources, so they find the same data.
/// </summary>
public static class RunHubConfiguration
{
    /// <summary>Replaces the sources of <paramref name="configuration"/> with RunHub's, ending with <paramref name="settings"/>.</summary>
    public static void UseSources(IConfigurationBuilder configuration, IReadOnlyDictionary<string, string?> settings)
    {
        var environment = Environment.GetEnvironmentVariable("DOTNET_ENVIRONMENT")
            ?? Environment.GetEnvironmentVariable("ASPNETCORE_ENVIRONMENT") ?? "Production";
        configuration.Sources.Clear();
        configuration.SetBasePath(AppContext.BaseDirectory)
            .AddJsonFile("appsettings.json", optional: true)
            .AddJsonFile($"appsettings.{environment}.json", optional: true)
            .AddEnvironmentVariables()
            .AddInMemoryCollection(settings);
    }

    /// <summary>The <c>RunHub</c> section bound once and checked (<see cref="RunHubOptionsValidation"/>).</summary>
    /// <exception cref="OptionsValidationException">A setting is invalid; each failure is one plain line.</exception>
    public static RunHubOptions Bind(IConfiguration configuration)
    {
        RunHubOptions options;
        try
        {
            options = configuration.GetSection(RunHubOptions.Section).Get<RunHubOptions>() ?? new RunHubOptions();
        }
        catch (InvalidOperationException e)
        {
            // A value of the wrong type ("RunHub:Queue:Workers" = "many"): the binder names the key in its message.
            throw new OptionsValidationException(RunHubOptions.Section, typeof(RunHubOptions), [e.InnerException?.Message is { } inner ? $"{e.Message} {inner}" : e.Message]);
        }
        RunHubOptionsValidation.ThrowIfInvalid(options);
        return options;
    }

    /// <summary>The settings of a command that is not <c>serve</c>: the same sources, then <paramref name="settings"/>.</summary>
    /// <exception cref="OptionsValidationException">A setting is invalid.</exception>
    public static RunHubOptions Load(IReadOnlyDictionary<string, string?> settings)
    {
        var builder = new ConfigurationManager();
        UseSources(builder, settings);
        return Bind(builder);
    }
}
