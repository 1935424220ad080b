using System.Text.RegularExpressions;
using Microsoft.Extensions.Options;

namespace RunHub;

/// <summary>
/// Where every command reads its settings, in this order, later winning: <c>appsettings.json</c> beside the program,
/// <c>appsettings.{DOTNET_ENVIRONMENT}.json</c>, environment variables (<c>RunHub__Queue__Workers=8</c>), then the
/// command's own flags. <c>serve</c> and the admin commands use the same sources, so they find the same data.
/// </summary>
public static partial class RunHubConfiguration
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
            throw new OptionsValidationException(RunHubOptions.Section, typeof(RunHubOptions), [WrongType(e)]);
        }
        RunHubOptionsValidation.ThrowIfInvalid(options);
        return options;
    }

    /// <summary>
    /// The binder's refusal of a value as one line in the words of <see cref="RunHubOptionsValidation"/>: the setting as a
    /// key and as its environment variable, the value, and what to write instead, e.g. "RunHub:Queue:Workers
    /// (RunHub__Queue__Workers) is 'many'; use a whole number such as 4". The binder's own message (Microsoft.Extensions.
    /// Configuration.Binder, "Failed to convert configuration value 'many' at 'RunHub:Queue:Workers' to type
    /// 'System.Int32'.") is kept when it has another shape.
    /// </summary>
    private static string WrongType(InvalidOperationException e)
    {
        var match = BinderRefusal().Match(e.Message);
        if (!match.Success) return e.InnerException?.Message is { } inner ? $"{e.Message} {inner}" : e.Message;
        var key = match.Groups["key"].Value;
        var value = match.Groups["value"].Value;
        var type = Type.GetType(match.Groups["type"].Value) ?? typeof(RunHubOptions).Assembly.GetType(match.Groups["type"].Value);
        type = type is null ? null : Nullable.GetUnderlyingType(type) ?? type;
        var wanted = type switch
        {
            null => $"use a value of type {match.Groups["type"].Value}",
            _ when type == typeof(int) => WholeNumber(value, int.MaxValue),
            _ when type == typeof(long) => WholeNumber(value, long.MaxValue),
            _ when type == typeof(double) || type == typeof(decimal) => "use a number such as 30 or 2.5 (a dot before the decimals)",
            _ when type == typeof(bool) => "use true or false",
            { IsEnum: true } => $"use one of {string.Join(", ", Enum.GetNames(type))}",
            _ => $"use a value of type {type.Name}",
        };
        return $"{key} ({key.Replace(":", "__", StringComparison.Ordinal)}) is '{value}'; {wanted}";
    }

    /// <summary>What to write for a whole number; its largest value only when <paramref name="value"/> is a whole number beyond it.</summary>
    private static string WholeNumber(string value, long max) =>
        System.Numerics.BigInteger.TryParse(value.Trim(), System.Globalization.NumberStyles.AllowLeadingSign, System.Globalization.CultureInfo.InvariantCulture, out var number) && number > max
            ? $"use a whole number no larger than {max}"
            : "use a whole number such as 4";

    [GeneratedRegex(@"^Failed to convert configuration value '(?<value>.*)' at '(?<key>[^']+)' to type '(?<type>[^']+)'\.", RegexOptions.Singleline)]
    private static partial Regex BinderRefusal();

    /// <summary>The settings of a command that is not <c>serve</c>: the same sources, then <paramref name="settings"/>.</summary>
    /// <exception cref="OptionsValidationException">A setting is invalid.</exception>
    public static RunHubOptions Load(IReadOnlyDictionary<string, string?> settings)
    {
        var builder = new ConfigurationManager();
        UseSources(builder, settings);
        return Bind(builder);
    }
}
