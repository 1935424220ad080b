using RunHub.Tests.Support;

namespace RunHub.Tests.Cli.Client;

/// <summary>
/// Runs the built <c>runhub</c> client commands against a server, as a user's shell would: a child process with
/// redirected (non-TTY) output. The key and base URL variables of the machine running the tests are blanked, so
/// only what a test passes counts.
/// </summary>
internal sealed class ClientCli(string apiBaseUrl, string? apiKey)
{
    public string ApiBaseUrl { get; } = apiBaseUrl;

    public static ClientCli For(TestServer server, ApiCaller caller) => new(server.BaseUrl + "/openapi/v2", caller.ApiKey);

    /// <summary>With <c>--key</c> and <c>--base-url</c> on the command line.</summary>
    public Task<(int ExitCode, string StdOut, string StdErr)> Run(params string[] args) =>
        ServerProcess.RunAsync([.. args, "--base-url", ApiBaseUrl, .. apiKey is null ? Array.Empty<string>() : ["--key", apiKey]], Environment());

    /// <summary>With nothing but the given environment (blank variables for the others).</summary>
    public static Task<(int ExitCode, string StdOut, string StdErr)> RunWithEnvironment(IDictionary<string, string> variables, params string[] args) =>
        ServerProcess.RunAsync(args, Environment(variables));

    private static Dictionary<string, string> Environment(IDictionary<string, string>? variables = null)
    {
        var environment = new Dictionary<string, string> { ["RH_API_KEY"] = "", ["RH_API_BASE_URL"] = "" };
        foreach (var (key, value) in variables ?? new Dictionary<string, string>()) environment[key] = value;
        return environment;
    }

    public static string[] Lines(string text) => text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
}
