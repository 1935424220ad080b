using System.CommandLine;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Options;
using RunHub.Catalog;
using RunHub.Data;

namespace RunHub.Cli;

/// <summary>
/// <c>runhub serve [--urls URL] [--data DIR] [--role ROLE] [--catalog FILE [--pricing FILE]]</c>: the API and the task
/// workers in one process; <c>--catalog</c> serves a RunningHub registry file on the sandbox (<c>RunHub:CatalogFile</c>).
/// </summary>
public static class ServeCommand
{
    public static Command Create()
    {
        var urls = new Option<string?>("--urls") { Description = $"Addresses to listen on (default {RunHubApp.DefaultUrls})" };
        var data = new Option<string?>("--data") { Description = "Data folder for the database and files (default ./data)" };
        var role = new Option<string?>("--role") { Description = "all (default): API and task workers; api: the API only; worker: task workers only" };
        role.AcceptOnlyFromAmong("all", "api", "worker");
        var catalog = new Option<string?>("--catalog") { Description = "A RunningHub registry file (model-registry JSON) to serve on the sandbox engine" };
        var pricing = new Option<string?>("--pricing") { Description = "The registry's price list (pricing JSON); models it does not price are free" };
        var command = new Command("serve", "Run the RunHub server (API and workers)") { urls, data, role, catalog, pricing };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var settings = new Dictionary<string, string?>();
            if (parse.GetValue(urls) is { } u) settings["urls"] = u;
            if (parse.GetValue(data) is { } d) settings[$"{RunHubOptions.Section}:DataDir"] = d;
            if (parse.GetValue(role) is { } r) settings[$"{RunHubOptions.Section}:Role"] = r;
            if (parse.GetValue(catalog) is { } c) settings[$"{RunHubOptions.Section}:CatalogFile"] = c;
            if (parse.GetValue(pricing) is { } p) settings[$"{RunHubOptions.Section}:PricingFile"] = p;
            WebApplication built;
            try
            {
                built = RunHubApp.Build(settings);
            }
            catch (Exception e) when (CommandOutput.IsConfigurationProblem(e))
            {
                return CommandOutput.Failure(e);
            }
            await using var app = built;
            if (await StartupProblems.StartAsync(app, cancellationToken) is { } problem) return CommandOutput.Failure(problem);
            var addresses = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses.ToList() ?? [];
            var address = addresses.FirstOrDefault() ?? RunHubApp.DefaultUrls;
            var first = await RunHubApp.BootstrapAsync(app);
            var output = Console.Out;
            output.WriteLine($"RunHub is listening on {string.Join(", ", addresses.DefaultIfEmpty(address))}");
            var database = app.Services.GetRequiredService<Database>();
            output.WriteLine(database is SqliteDatabase { IsNew: true } created
                ? $"Created a new data folder: {Path.GetDirectoryName(created.Path)} (database {created.Path})"
                : $"Database: {database.Description}");
            if (database.Migration.UpgradedExisting) output.WriteLine(database.Migration.Message);
            output.WriteLine(CatalogLine(app.Services.GetRequiredService<ModelCatalog>(), app.Services.GetRequiredService<IOptions<RunHubOptions>>().Value));
            LinkBaseNotice.Write(app.Services.GetRequiredService<IOptions<RunHubOptions>>().Value, addresses, output, Console.Error);
            if (first is not null) FirstStart.Print(output, first, address);
            if (app.Services.GetService<WebConsole.Users.ConsoleUsers>() is { } users && !await users.AnyOperatorAsync())
            {
                output.WriteLine($"The web console is at {FirstStart.Reachable(address)}/console. It has no operator yet; create the first with:");
                // The folder this server uses, so the line works when pasted as printed (admin create never makes a new one).
                var dataArgument = parse.GetValue(data) is { } dir ? " --data " + SelfCommand.Quoted(Path.GetFullPath(dir)) : "";
                // As this program is run here: `runhub` only when that is it on the PATH (not after `dotnet run`).
                output.WriteLine($"  {SelfCommand.Invocation()} admin create --email you@example.com{dataArgument}     # it asks for a password, or reads one line from standard input");
            }
            await app.WaitForShutdownAsync(cancellationToken);
            return 0;
        });
        return command;
    }

    /// <summary><c>Catalog: 3 models from /opt/runhub/catalog</c>, naming the folder and each registry imported into it.</summary>
    private static string CatalogLine(ModelCatalog catalog, RunHubOptions options)
    {
        var sources = new List<string> { ModelCatalog.DirectoryOf(options) };
        sources.AddRange(options.CatalogImports.Select(i => Path.GetFullPath(i.Registry)));
        if (!string.IsNullOrWhiteSpace(options.CatalogFile)) sources.Add(Path.GetFullPath(options.CatalogFile));
        var count = catalog.Models.Count;
        return $"Catalog: {count} model{(count == 1 ? "" : "s")} from {string.Join(" + ", sources)}";
    }
}
