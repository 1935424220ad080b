using System.CommandLine;
using RunHub.Cli.Client;
using RunHub.Cli.Registrations;

namespace RunHub.Cli;

/// <summary>
/// The <c>runhub</c> command: serve, accounts, keys, workflows, apps on this machine's server; run, workflow run, query, upload, models, balance
/// as a client of any RunHub or RunningHub server.
/// </summary>
public static class RunHubCommandLine
{
    public static async Task<int> RunAsync(string[] args)
    {
        var data = new Option<string?>("--data") { Description = "Data folder of the server (default ./data)" };
        var json = new Option<bool>("--json") { Description = "Print JSON (it names the database used)" };
        var verbose = new Option<bool>("--verbose") { Description = "Say which database is used (on stderr)" };
        var connection = new ClientConnection();
        var root = new RootCommand("RunHub: a self-hostable RunningHub-compatible model API server, and a client of it")
        {
            ServeCommand.Create(),
            AccountsCommand.Create(data, json, verbose),
            KeysCommand.Create(data, json, verbose),
            AdminCommand.Create(data, verbose),
            WebhooksCommand.Create(data, json, verbose),
            WorkflowsCommand.Create(),
            AppsCommand.Create(),
            RunCommand.Create(connection),
            WorkflowRunCommand.Create(connection),
            QueryCommand.Create(connection),
            CancelCommand.Create(connection),
            TasksCommand.Create(connection),
            UploadCommand.Create(connection),
            ModelsCommand.Create(connection),
            BalanceCommand.Create(connection),
        };
        var parse = root.Parse(args);
        if (parse.Errors.Count > 0)
        {
            foreach (var error in parse.Errors) Console.Error.WriteLine("runhub: " + error.Message);
            Console.Error.WriteLine("Run 'runhub --help' for usage.");
            return CommandOutput.Usage;
        }
        try
        {
            return await parse.InvokeAsync(new InvocationConfiguration { EnableDefaultExceptionHandler = false });
        }
        catch (Exception e) when (CommandOutput.IsConfigurationProblem(e))
        {
            // The admin commands open the store and read the settings inside their actions.
            return CommandOutput.Failure(e);
        }
    }
}
