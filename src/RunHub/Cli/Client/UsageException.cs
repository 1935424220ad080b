namespace RunHub.Cli.Client;

/// <summary>
/// A mistake in the command line or the request, found before anything was sent: every problem at once, so a
/// user fixes them in one go rather than one run at a time.
/// </summary>
internal sealed class UsageException(IReadOnlyList<string> problems) : Exception(string.Join("; ", problems))
{
    public UsageException(string problem) : this([problem])
    {
    }

    public IReadOnlyList<string> Problems { get; } = problems;
}
