namespace RunHub.Cli.Client;

/// <summary>
/// The exit codes of the client commands, so a script can tell a failed task (1) from a mistake in its own
/// command line (2) and from a task that is simply not done yet (3, worth resuming rather than re-submitting).
/// </summary>
internal static class ClientExitCodes
{
    public const int Ok = CommandOutput.Ok;

    /// <summary>The task failed, or the server refused the request.</summary>
    public const int Failed = CommandOutput.Failed;

    /// <summary>Bad arguments, a request refused by local validation, no API key: nothing was sent.</summary>
    public const int Usage = CommandOutput.Usage;

    /// <summary>The wait reached --timeout; the task goes on on the server.</summary>
    public const int TimedOut = 3;

    /// <summary>Ctrl+C, as shells report a process ended by SIGINT.</summary>
    public const int Cancelled = 130;
}
