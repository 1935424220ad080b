using System.CommandLine;
using RunHub.Client;

namespace RunHub.Cli.Client;

/// <summary>
/// <c>--key</c> and <c>--base-url</c>, with <c>RH_API_KEY</c> and <c>RH_API_BASE_URL</c> (the names RunningHub's
/// own tools read) behind them, and the SDK client they make.
/// </summary>
internal sealed class ClientConnection
{
    /// <summary>
    /// The terminal client defaults to the server <c>runhub serve</c> starts on this machine: the same program
    /// serves and calls, on the machine of the person typing. The SDK, built into programs that run anywhere, has no
    /// default and needs the server named.
    /// </summary>
    public const string LocalBaseUrl = RunHubClientOptions.LocalRunHubBaseUrl;

    /// <summary>
    /// Sent by commands whose endpoint needs no key (<c>models</c>): the SDK always sends one, and a listing should
    /// not demand a secret it does not use.
    /// </summary>

    public Option<string?> Key { get; } = new("--key")
    {
        Description = $"API key (default: ${RunHubClientOptions.ApiKeyVariable}; prefer the variable, arguments show in the process list)",
        HelpName = "KEY",
    };

    public Option<string?> BaseUrl { get; } = new("--base-url")
    {
        Description = $"API base URL (default: ${RunHubClientOptions.BaseUrlVariable}, else {LocalBaseUrl}, a RunHub server on this machine; RunningHub is {RunHubClientOptions.RunningHubBaseUrl})",
        HelpName = "URL",
    };

    /// <summary>Adds both options to a command.</summary>
    public void AddTo(Command command)
    {
        command.Options.Add(Key);
        command.Options.Add(BaseUrl);
    }

    /// <summary>The client for this command line; a missing key or a malformed URL is a usage error.</summary>
    public RunHubClient Open(ParseResult parse, bool keyRequired = true)
    {
        var key = FirstGiven(parse.GetValue(Key), Environment.GetEnvironmentVariable(RunHubClientOptions.ApiKeyVariable));
        if (key is null && keyRequired)
            throw new UsageException($"no API key: pass --key KEY or set {RunHubClientOptions.ApiKeyVariable}");
        var baseUrl = FirstGiven(parse.GetValue(BaseUrl), Environment.GetEnvironmentVariable(RunHubClientOptions.BaseUrlVariable)) ?? LocalBaseUrl;
        try
        {
            return new RunHubClient(new RunHubClientOptions { ApiKey = key ?? "", BaseUrl = baseUrl });
        }
        catch (ArgumentException e)
        {
            // The SDK names its own parameter at the end of the message; the user knows the option, not that.
            throw new UsageException($"--base-url: {e.Message.Replace($" (Parameter '{e.ParamName}')", "", StringComparison.Ordinal)}");
        }
    }

    private static string? FirstGiven(params string?[] values) =>
        values.FirstOrDefault(v => !string.IsNullOrWhiteSpace(v))?.Trim();
}
