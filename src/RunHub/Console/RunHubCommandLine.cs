using System.CommandLine;

namespace RunHub.Console;

/// <summary>The <c>runhub</c> command: serve, accounts, keys.</summary>
public static class RunHubCommandLine
{
    public static async Task<int> RunAsync(string[] args)
    {
        var data = new Option<string?>("--data") { Description = "Data folder of the server (default ./data)" };
        var json = new Option<bool>("--json") { Description = "Print JSON" };
        var root = new RootCommand("RunHub: a self-hostable RunningHub-compatible model API server")
        {
            ServeCommand.Create(),
            AccountsCommand.Create(data, json),
            KeysCommand.Create(data, json),
        };
        var parse = root.Parse(args);
        if (parse.Errors.Count > 0)
        {
            foreach (var error in parse.Errors) System.Console.Error.WriteLine("runhub: " + error.Message);
            System.Console.Error.WriteLine("Run 'runhub --help' for usage.");
            return CommandOutput.Usage;
        }
        return await parse.InvokeAsync();
    }
}
