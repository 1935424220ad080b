using System.CommandLine;
using System.Globalization;
using RunHub.Catalog;
using RunHub.Engines.ComfyUi;
using RunHub.Workflows;

namespace RunHub.Cli.Registrations;

/// <summary>
/// <c>runhub workflows add FILE [--replace] | list [--json] | remove ID</c>: the ComfyUI workflows the server runs, as
/// files <c>workflows/&lt;id&gt;.json</c> of its catalog folder (docs/workflows.md). Works on the files only; a running
/// server reads a change within a second.
/// </summary>
internal static class WorkflowsCommand
{
    private const string Noun = "workflow";

    public static Command Create()
    {
        var json = new Option<bool>("--json") { Description = "Print JSON" };
        var catalog = RegistrationFolder.CatalogOption();
        var command = new Command("workflows", "Register, list and remove the ComfyUI workflows the server runs (files beside the catalog)");

        var file = new Argument<string>("file") { Description = "The registration: workflowId, engine (the ComfyUI server), pricePerSecond, maxSeconds, graph (docs/workflows.md)" };
        var replace = new Option<bool>("--replace") { Description = "Replace a workflow registered under the same id" };
        var add = new Command("add", "Check a workflow registration and copy it into the catalog (a graph given as a file name is taken into the copy)") { file, replace, catalog };
        add.SetAction(parse => RegistrationCommand.Run(() =>
        {
            var folder = RegistrationFolder.Open(parse, catalog);
            WorkflowDefinition? added = null;
            var (id, path) = RegistrationFolder.Add(parse.GetValue(file)!, folder.WorkflowsDir, "workflowId", Noun, parse.GetValue(replace), (staged, stagedId) =>
            {
                added = WorkflowFileReader.ReadWorkflow(staged);
                var workflows = folder.ReadWorkflows(except: stagedId);
                workflows[stagedId] = added;
                // Replacing a workflow must not break an app built on it (a node or input it exposes gone).
                try
                {
                    folder.ReadApps(workflows);
                }
                catch (CatalogFormatException e)
                {
                    throw new CatalogFormatException($"this {Noun} would break an app built on it: {e.Message}", e);
                }
            });
            Console.Out.WriteLine($"Registered workflow {id}{Named(added!.Name)}: {added.Price}, on {Servers(added)}.");
            Console.Out.WriteLine($"Saved as {path}; a running server with this catalog runs it within a second.");
        }));

        var list = new Command("list", "List the registered workflows with their price, servers and apps") { catalog, json };
        list.SetAction(parse => RegistrationCommand.Run(() =>
        {
            var folder = RegistrationFolder.Open(parse, catalog);
            var workflows = folder.ReadWorkflows();
            var apps = folder.ReadApps(workflows);
            var rows = workflows.Values.OrderBy(w => w.WorkflowId, StringComparer.Ordinal).Select(w => new
            {
                workflowId = w.WorkflowId,
                name = w.Name,
                pricePerSecond = w.Price.PerSecond,
                maxSeconds = w.Price.MaxSeconds,
                servers = w.Backends.Select(b => ComfyUiSettings.Read(b, withWorkflow: false).Server.ToString()).ToList(),
                apps = apps.Where(a => a.WorkflowId == w.WorkflowId).Select(a => a.WebappId).ToList(),
            }).ToList();
            if (parse.GetValue(json)) CommandOutput.Json(new { catalog = folder.Root, workflows = rows });
            else if (rows.Count == 0) Console.Error.WriteLine($"runhub: no workflows registered in {folder.WorkflowsDir}");
            else
                foreach (var w in rows)
                    Console.Out.WriteLine(string.Join('\t', w.workflowId, string.Create(CultureInfo.InvariantCulture, $"{w.pricePerSecond:0.######} CNY/s up to {w.maxSeconds} s"),
                        string.Join(',', w.servers), w.apps.Count == 0 ? "-" : "apps " + string.Join(',', w.apps), w.name ?? ""));
        }));

        var id = new Argument<string>("workflow-id") { Description = "The workflow to remove" };
        var remove = new Command("remove", "Remove a registered workflow (refused while an app uses it)") { id, catalog };
        remove.SetAction(parse => RegistrationCommand.Run(() =>
        {
            var folder = RegistrationFolder.Open(parse, catalog);
            var workflowId = parse.GetValue(id)!.Trim();
            RegistrationFolder.FileOf(folder.WorkflowsDir, workflowId, Noun);
            if (folder.AppsUsing(workflowId) is { Count: > 0 } users)
                throw new CatalogFormatException($"workflow {workflowId} is used by app{(users.Count == 1 ? "" : "s")} {string.Join(", ", users)}; remove {(users.Count == 1 ? "it" : "them")} first (runhub apps remove ID)");
            var path = RegistrationFolder.Remove(folder.WorkflowsDir, workflowId, Noun);
            Console.Out.WriteLine($"Removed workflow {workflowId} ({path}); tasks already queued for it fail with its registration gone.");
        }));

        command.Subcommands.Add(add);
        command.Subcommands.Add(list);
        command.Subcommands.Add(remove);
        return command;
    }

    private static string Named(string? name) => string.IsNullOrWhiteSpace(name) ? "" : $" \"{name}\"";

    private static string Servers(WorkflowDefinition workflow) =>
        string.Join(", ", workflow.Backends.Select(b => ComfyUiSettings.Read(b, withWorkflow: false).Server.ToString()));
}
