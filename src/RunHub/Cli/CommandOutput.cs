using System.Text.Json;
using Microsoft.Extensions.Options;
using RunHub.Catalog;
using RunHub.Data;
using RunHub.Files;

namespace RunHub.Cli;

/// <summary>How commands print: JSON for scripts, plain lines for people, errors on stderr with the exit codes.</summary>
public static class CommandOutput
{
    public const int Ok = 0;
    public const int Failed = 1;
    public const int Usage = 2;

    private static readonly JsonSerializerOptions Indented = new(JsonSerializerDefaults.Web) { WriteIndented = true };

    public static void Json(object value) => Console.Out.WriteLine(JsonSerializer.Serialize(value, Indented));

    public static int Failure(string message)
    {
        Console.Error.WriteLine("runhub: " + message);
        return Failed;
    }

    /// <summary>An error in the settings, the catalog or the store, which a plain message explains better than a stack trace.</summary>
    public static bool IsConfigurationProblem(Exception e) =>
        e is OptionsValidationException or StoreUnavailableException or StorageConfigurationException or CatalogFormatException
            or Engines.Sandbox.SandboxToolsMissingException;

    /// <summary>Prints a configuration problem (<see cref="IsConfigurationProblem"/>): one line per failed setting.</summary>
    public static int Failure(Exception e)
    {
        if (e is OptionsValidationException invalid)
            foreach (var failure in invalid.Failures) Console.Error.WriteLine("runhub: " + failure);
        else Console.Error.WriteLine("runhub: " + e.Message);
        return Failed;
    }

    public static int UsageError(string message)
    {
        Console.Error.WriteLine("runhub: " + message);
        return Usage;
    }
}
