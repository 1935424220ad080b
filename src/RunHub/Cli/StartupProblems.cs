using Microsoft.Extensions.Options;

namespace RunHub.Cli;

/// <summary>
/// Starts the server and turns what stops a start into one plain line: a port already in use, an address that cannot
/// be bound, a setting, the catalog or the store. The exception with its stack trace goes to the log at debug level
/// only (<c>Logging__LogLevel__RunHub=Debug</c>).
/// </summary>
public static class StartupProblems
{
    /// <summary>The .NET host logs a failed start with its stack trace under this category; RunHub says it in one line instead.</summary>
    public const string HostCategory = "Microsoft.Extensions.Hosting.Internal.Host";

    private static volatile bool _starting;

    /// <summary>
    /// The logging filter for <see cref="HostCategory"/>: while <see cref="StartAsync"/> runs, the host's own error line
    /// (with the stack trace) is held back; after the start, the host's errors (a failed background service) show as usual.
    /// </summary>
    public static bool HostMayLog(LogLevel level) => level >= LogLevel.Information && (!_starting || level < LogLevel.Error);

    /// <returns>Null once the server listens; else the exception to report with <see cref="CommandOutput.Failure(Exception)"/>.</returns>
    public static async Task<Exception?> StartAsync(WebApplication app, CancellationToken cancellationToken)
    {
        _starting = true;
        try
        {
            await app.StartAsync(cancellationToken);
            return null;
        }
        catch (Exception e) when (Plain(e) is { } plain)
        {
            app.Services.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(StartupProblems)).LogDebug(e, "The server did not start");
            return plain;
        }
        finally
        {
            _starting = false;
        }
    }

    private static Exception? Plain(Exception e) => e switch
    {
        _ when CommandOutput.IsConfigurationProblem(e) => e,
        IOException when e.InnerException is Microsoft.AspNetCore.Connections.AddressInUseException
            || e.Message.Contains("address already in use", StringComparison.OrdinalIgnoreCase) =>
            new OptionsValidationException("urls", typeof(RunHubOptions), [$"cannot listen: {AddressOf(e.Message)} is already in use by another program; stop it or choose another address with --urls (or ASPNETCORE_URLS)"]),
        IOException or System.Net.Sockets.SocketException or InvalidOperationException { Source: "Microsoft.AspNetCore.Server.Kestrel.Core" } =>
            new OptionsValidationException("urls", typeof(RunHubOptions), [$"cannot listen: {e.Message.TrimEnd('.')}; check --urls (or ASPNETCORE_URLS)"]),
        _ => null,
    };

    private static string AddressOf(string message)
    {
        var start = message.IndexOf("http", StringComparison.Ordinal);
        if (start < 0) return "the address";
        var end = message.IndexOf(':', message.IndexOf("://", start, StringComparison.Ordinal) + 3);
        end = end < 0 ? message.Length : message.IndexOfAny([' ', ','], end) is var e && e > 0 ? e : message.Length;
        return message[start..end].TrimEnd(':');
    }
}
