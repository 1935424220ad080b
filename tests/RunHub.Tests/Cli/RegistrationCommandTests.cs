using System.Text.Json.Nodes;
using RunHub.Tests.Cli.Client;
using RunHub.Tests.Support;
using RunHub.Tests.Workflows;

namespace RunHub.Tests.Cli;

/// <summary>
/// <c>runhub workflows add/list/remove</c> and <c>runhub apps add/list/remove</c> on a catalog folder, as an operator runs
/// them: a file is added only when the catalog it makes reads as the server reads it; every refusal is one plain line.
/// </summary>
public sealed class RegistrationCommandTests : IDisposable
{
    // Registration does not contact the ComfyUI server; nothing listens here.
    private const string Server = "http://127.0.0.1:9";

    private readonly TempDirectory _catalog = new();
    private readonly TempDirectory _source = new();

    public void Dispose()
    {
        _catalog.Dispose();
        _source.Dispose();
    }

    private string WorkflowsDir => Path.Combine(_catalog.Path, "workflows");

    private Task<(int ExitCode, string StdOut, string StdErr)> Runhub(params string[] args) =>
        ClientCli.RunWithEnvironment(new Dictionary<string, string>(), [.. args, "--catalog", _catalog.Path]);

    /// <summary>The test workflow's registration with its graph in a file beside it, as the docs suggest.</summary>
    private string Registration(Action<JsonObject>? change = null, string name = "rescale.json")
    {
        var registration = WorkflowFolder.Registration(Server);
        File.WriteAllText(Path.Combine(_source.Path, "rescale-api.json"), registration["graph"]!.ToJsonString());
        registration["graph"] = "rescale-api.json";
        change?.Invoke(registration);
        var path = Path.Combine(_source.Path, name);
        File.WriteAllText(path, registration.ToJsonString());
        return path;
    }

    private string App(Action<JsonObject>? change = null)
    {
        var app = JsonNode.Parse(File.ReadAllText(Path.Combine(WorkflowFolder.Source, "app.json")))!.AsObject();
        change?.Invoke(app);
        var path = Path.Combine(_source.Path, "app.json");
        File.WriteAllText(path, app.ToJsonString());
        return path;
    }

    private static string OneLine(string stderr)
    {
        var lines = ClientCli.Lines(stderr);
        Assert.True(lines.Length == 1, "expected one line, got: " + stderr);
        Assert.StartsWith("runhub: ", lines[0]);
        return lines[0];
    }

    [Fact]
    public async Task Add_takes_the_graph_file_into_the_catalog_and_list_shows_price_servers_and_apps()
    {
        var added = await Runhub("workflows", "add", Registration());
        var app = await Runhub("apps", "add", App());
        var workflows = await Runhub("workflows", "list");
        var json = await Runhub("workflows", "list", "--json");
        var apps = await Runhub("apps", "list");

        Assert.True(added.ExitCode == 0, added.StdErr);
        Assert.Contains($"Registered workflow {WorkflowFolder.WorkflowId}", added.StdOut);
        Assert.Contains("0.01 CNY/s, up to 60 s", added.StdOut);
        var file = JsonNode.Parse(await File.ReadAllTextAsync(Path.Combine(WorkflowsDir, WorkflowFolder.WorkflowId + ".json")))!;
        Assert.Equal("LoadImage", (string)file["graph"]!["10"]!["class_type"]!);
        Assert.Equal(0, app.ExitCode);
        Assert.Contains("5 inputs (10.image IMAGE, 20.scale_by FLOAT", app.StdOut);
        Assert.Equal($"{WorkflowFolder.WorkflowId}\t0.01 CNY/s up to 60 s\t{Server}/\tapps {WorkflowFolder.WebappId}\timage rescale (tests)",
            Assert.Single(ClientCli.Lines(workflows.StdOut)));
        var listed = JsonNode.Parse(json.StdOut)!["workflows"]![0]!;
        Assert.Equal(60, (int)listed["maxSeconds"]!);
        Assert.Equal(0.01m, (decimal)listed["pricePerSecond"]!);
        Assert.StartsWith($"{WorkflowFolder.WebappId}\tworkflow {WorkflowFolder.WorkflowId}\t10.image,20.scale_by", Assert.Single(ClientCli.Lines(apps.StdOut)));
    }

    [Fact]
    public async Task A_ComfyUI_export_or_a_broken_registration_is_refused_in_one_line_and_nothing_is_written()
    {
        var export = Path.Combine(_source.Path, "exported-api.json");
        File.WriteAllText(export, WorkflowFolder.Registration(Server)["graph"]!.ToJsonString());
        var notJson = Path.Combine(_source.Path, "broken.json");
        File.WriteAllText(notJson, "{\"workflowId\": \"x\",\n  oops");

        var exported = await Runhub("workflows", "add", export);
        var badPrice = await Runhub("workflows", "add", Registration(r => r["pricePerSecond"] = -1, "priced.json"));
        var badServer = await Runhub("workflows", "add", Registration(r => r["engine"]!["settings"]!["server"] = "not a url", "server.json"));
        var broken = await Runhub("workflows", "add", notJson);
        var appOfNothing = await Runhub("apps", "add", App());

        Assert.Equal(1, exported.ExitCode);
        Assert.Contains("field \"workflowId\": required", OneLine(exported.StdErr));
        Assert.Contains("this looks like a ComfyUI graph", exported.StdErr);
        Assert.Equal(1, badPrice.ExitCode);
        Assert.Equal("runhub: priced.json, field \"pricePerSecond\": -1 is not a price between 0 and 1000 CNY with at most 6 decimals", OneLine(badPrice.StdErr));
        Assert.Equal(1, badServer.ExitCode);
        Assert.Contains("server", OneLine(badServer.StdErr));
        Assert.Equal(1, broken.ExitCode);
        Assert.Contains("broken.json: not valid JSON", OneLine(broken.StdErr));
        Assert.Equal(1, appOfNothing.ExitCode);
        Assert.Contains($"no workflow \"{WorkflowFolder.WorkflowId}\" is registered", OneLine(appOfNothing.StdErr));
        Assert.False(Directory.Exists(WorkflowsDir) && Directory.EnumerateFileSystemEntries(WorkflowsDir).Any());
        Assert.False(Directory.Exists(Path.Combine(_catalog.Path, "apps")) && Directory.EnumerateFileSystemEntries(Path.Combine(_catalog.Path, "apps")).Any());
    }

    [Fact]
    public async Task A_taken_id_needs_replace_and_a_replacement_that_would_break_an_app_is_refused_keeping_the_old_file()
    {
        Assert.Equal(0, (await Runhub("workflows", "add", Registration())).ExitCode);
        Assert.Equal(0, (await Runhub("apps", "add", App())).ExitCode);
        var path = Path.Combine(WorkflowsDir, WorkflowFolder.WorkflowId + ".json");
        var before = await File.ReadAllTextAsync(path);

        var again = await Runhub("workflows", "add", Registration(r => r["pricePerSecond"] = 0.02));
        var breaking = await Runhub("workflows", "add", Registration(r => r["graph"] = WorkflowFolder.Registration(Server, g => g.Remove("70"))["graph"]!.DeepClone()), "--replace");
        Assert.Equal(before, await File.ReadAllTextAsync(path));
        var replaced = await Runhub("workflows", "add", Registration(r => r["pricePerSecond"] = 0.02), "--replace");

        Assert.Equal(1, again.ExitCode);
        Assert.Contains("is registered already", OneLine(again.StdErr));
        Assert.Contains("pass --replace", again.StdErr);
        Assert.Equal(1, breaking.ExitCode);
        Assert.Contains("would break an app built on it", OneLine(breaking.StdErr));
        Assert.Contains("has no node 70", breaking.StdErr);
        Assert.True(replaced.ExitCode == 0, replaced.StdErr);
        Assert.Contains("0.02 CNY/s", replaced.StdOut);
        Assert.Equal([WorkflowFolder.WorkflowId + ".json"], Directory.GetFiles(WorkflowsDir).Select(Path.GetFileName));
    }

    [Fact]
    public async Task Remove_refuses_a_workflow_an_app_uses_and_an_id_that_could_name_another_file()
    {
        Assert.Equal(0, (await Runhub("workflows", "add", Registration())).ExitCode);
        Assert.Equal(0, (await Runhub("apps", "add", App())).ExitCode);
        File.WriteAllText(Path.Combine(_catalog.Path, "keep.json"), "{}");

        var inUse = await Runhub("workflows", "remove", WorkflowFolder.WorkflowId);
        var escape = await Runhub("workflows", "remove", "../keep");
        var unknown = await Runhub("apps", "remove", "no-such-app");
        var app = await Runhub("apps", "remove", WorkflowFolder.WebappId);
        var workflow = await Runhub("workflows", "remove", WorkflowFolder.WorkflowId);
        var empty = await Runhub("workflows", "list");

        Assert.Equal(1, inUse.ExitCode);
        Assert.Contains($"used by app {WorkflowFolder.WebappId}", OneLine(inUse.StdErr));
        Assert.Equal(1, escape.ExitCode);
        Assert.Contains("\"../keep\" is not a workflow id", OneLine(escape.StdErr));
        Assert.True(File.Exists(Path.Combine(_catalog.Path, "keep.json")));
        Assert.Equal(1, unknown.ExitCode);
        Assert.Contains("no app no-such-app is registered", OneLine(unknown.StdErr));
        Assert.Equal(0, app.ExitCode);
        Assert.Equal(0, workflow.ExitCode);
        Assert.Empty(Directory.GetFiles(WorkflowsDir));
        Assert.Equal(0, empty.ExitCode);
        Assert.Equal("", empty.StdOut);
        Assert.Contains("no workflows registered", empty.StdErr);
    }

    [Fact]
    public async Task Without_catalog_the_commands_use_the_servers_RunHub__CatalogDir()
    {
        var added = await ClientCli.RunWithEnvironment(new Dictionary<string, string> { ["RunHub__CatalogDir"] = _catalog.Path }, "workflows", "add", Registration());

        Assert.True(added.ExitCode == 0, added.StdErr);
        Assert.True(File.Exists(Path.Combine(WorkflowsDir, WorkflowFolder.WorkflowId + ".json")));
    }
}
