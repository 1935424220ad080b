using RunHub.Catalog;

namespace RunHub.Cli.Registrations;

/// <summary>Runs a registration command: a refusal (a broken file, an unknown id, a catalog that would break) is one line on stderr and exit code 1.</summary>
internal static class RegistrationCommand
{
    public static int Run(Action action)
    {
        try
        {
            action();
            return CommandOutput.Ok;
        }
        catch (CatalogFormatException e)
        {
            return CommandOutput.Failure(Flat(e.Message));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return CommandOutput.Failure(Flat(e.Message));
        }
    }

    /// <summary>One line, whatever a message holds (a JSON parser's may span several).</summary>
    private static string Flat(string message) => string.Join(' ', message.Split(['\r', '\n'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
}
