using System.Text.Json;

namespace RunHub.Console;

/// <summary>How commands print: JSON for scripts, plain lines for people, errors on stderr with the exit codes.</summary>
public static class CommandOutput
{
    public const int Ok = 0;
    public const int Failed = 1;
    public const int Usage = 2;

    private static readonly JsonSerializerOptions Indented = new(JsonSerializerDefaults.Web) { WriteIndented = true };

    public static void Json(object value) => System.Console.Out.WriteLine(JsonSerializer.Serialize(value, Indented));

    public static int Failure(string message)
    {
        System.Console.Error.WriteLine("runhub: " + message);
        return Failed;
    }

    public static int UsageError(string message)
    {
        System.Console.Error.WriteLine("runhub: " + message);
        return Usage;
    }
}
