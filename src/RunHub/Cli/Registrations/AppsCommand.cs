using System.CommandLine;
using RunHub.Workflows;

namespace RunHub.Cli.Registrations;

/// <summary>
/// <c>runhub apps add FILE [--replace] | list [--json] | remove ID</c>: the AI apps (a registered workflow with the
/// inputs a caller may set) as files <c>apps/&lt;id&gt;.json</c> of the catalog folder (docs/workflows.md).
/// </summary>
internal static class AppsCommand
{
    private const string Noun = "app";

    public static Command Create()
    {
        var json = new Option<bool>("--json") { Description = "Print JSON" };
        var catalog = RegistrationFolder.CatalogOption();
        var command = new Command("apps", "Register, list and remove AI apps: a workflow with the inputs a caller may set (files beside the catalog)");

        var file = new Argument<string>("file") { Description = "The app: webappId, workflowId, nodeInfoList of {nodeId, fieldName, fieldType?, description?, limits} (docs/workflows.md)" };
        var replace = new Option<bool>("--replace") { Description = "Replace an app registered under the same id" };
        var add = new Command("add", "Check an app against its workflow and copy it into the catalog") { file, replace, catalog };
        add.SetAction(parse => RegistrationCommand.Run(() =>
        {
            var folder = RegistrationFolder.Open(parse, catalog);
            AppDefinition? added = null;
            var (id, path) = RegistrationFolder.Add(parse.GetValue(file)!, folder.AppsDir, "webappId", Noun, parse.GetValue(replace),
                (staged, _) => added = WorkflowFileReader.ReadApp(staged, folder.ReadWorkflows()));
            Console.Out.WriteLine($"Registered app {id}{(string.IsNullOrWhiteSpace(added!.Name) ? "" : $" \"{added.Name}\"")} on workflow {added.WorkflowId}: " +
                $"{added.Fields.Count} input{(added.Fields.Count == 1 ? "" : "s")} ({string.Join(", ", added.Fields.Select(f => $"{f.Key} {f.FieldType.ToString().ToUpperInvariant()}"))}).");
            Console.Out.WriteLine($"Saved as {path}; a running server with this catalog serves it within a second.");
        }));

        var list = new Command("list", "List the registered apps with their workflow and inputs") { catalog, json };
        list.SetAction(parse => RegistrationCommand.Run(() =>
        {
            var folder = RegistrationFolder.Open(parse, catalog);
            var apps = folder.ReadApps(folder.ReadWorkflows()).OrderBy(a => a.WebappId, StringComparer.Ordinal).ToList();
            if (parse.GetValue(json))
                CommandOutput.Json(new
                {
                    catalog = folder.Root,
                    apps = apps.Select(a => new
                    {
                        webappId = a.WebappId,
                        name = a.Name,
                        workflowId = a.WorkflowId,
                        nodeInfoList = a.Fields.Select(f => new { nodeId = f.NodeId, fieldName = f.FieldName, fieldType = f.FieldType.ToString().ToUpperInvariant(), description = f.Description }),
                    }),
                });
            else if (apps.Count == 0) Console.Error.WriteLine($"runhub: no apps registered in {folder.AppsDir}");
            else
                foreach (var a in apps)
                    Console.Out.WriteLine(string.Join('\t', a.WebappId, "workflow " + a.WorkflowId, string.Join(',', a.Fields.Select(f => f.Key)), a.Name ?? ""));
        }));

        var id = new Argument<string>("webapp-id") { Description = "The app to remove" };
        var remove = new Command("remove", "Remove a registered app") { id, catalog };
        remove.SetAction(parse => RegistrationCommand.Run(() =>
        {
            var folder = RegistrationFolder.Open(parse, catalog);
            var webappId = parse.GetValue(id)!.Trim();
            var path = RegistrationFolder.Remove(folder.AppsDir, webappId, Noun);
            Console.Out.WriteLine($"Removed app {webappId} ({path}).");
        }));

        command.Subcommands.Add(add);
        command.Subcommands.Add(list);
        command.Subcommands.Add(remove);
        return command;
    }
}
