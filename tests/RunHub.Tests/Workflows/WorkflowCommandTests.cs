using System.Text.Json.Nodes;
using RunHub.Tests.Cli.Client;
using RunHub.Tests.Support;

namespace RunHub.Tests.Workflows;

/// <summary>
/// <c>runhub workflow run</c> as a user's shell runs it (a child process, output redirected), against the real server in
/// front of a real ComfyUI; and the operator's path to it: <c>runhub workflows add</c> and <c>runhub apps add</c> into
/// an empty catalog, then a server on that catalog.
/// </summary>
[Collection(ComfyUiCollection.Name)]
public sealed class WorkflowCommandTests : IAsyncLifetime
{
    private readonly TempDirectory _files = new();
    private ComfyServer _comfy = null!;
    private TempDirectory _catalog = null!;
    private TestServer _server = null!;

    public async Task InitializeAsync()
    {
        _comfy = await TestComfyUi.ServerAsync();
        await _comfy.ResetAsync();
        // The workflow and the app are registered with the commands themselves, as an operator would.
        _catalog = WorkflowFolder.Create(_comfy.Url, withApp: false);
        Directory.Delete(Path.Combine(_catalog.Path, "workflows"), recursive: true);
        var source = Path.Combine(_files.Path, "source");
        Directory.CreateDirectory(source);
        var registration = WorkflowFolder.Registration(_comfy.Url);
        await File.WriteAllTextAsync(Path.Combine(source, "rescale-api.json"), registration["graph"]!.ToJsonString());
        registration["graph"] = "rescale-api.json";
        await File.WriteAllTextAsync(Path.Combine(source, "rescale.json"), registration.ToJsonString());
        File.Copy(Path.Combine(WorkflowFolder.Source, "app.json"), Path.Combine(source, "rescale-app.json"));

        Assert.Equal(0, (await Register("workflows", Path.Combine(source, "rescale.json"))).ExitCode);
        Assert.Equal(0, (await Register("apps", Path.Combine(source, "rescale-app.json"))).ExitCode);
        _server = await TestServer.StartAsync(new Dictionary<string, string?> { ["CatalogDir"] = _catalog.Path });
    }

    public async Task DisposeAsync()
    {
        await _server.DisposeAsync();
        _catalog.Dispose();
        _files.Dispose();
    }

    private Task<(int ExitCode, string StdOut, string StdErr)> Register(string noun, string file) =>
        ClientCli.RunWithEnvironment(new Dictionary<string, string>(), noun, "add", file, "--catalog", _catalog.Path);

    private string Photo(string name)
    {
        var path = Path.Combine(_files.Path, name);
        File.WriteAllBytes(path, TestImages.Png(64, 48));
        return path;
    }

    [ComfyFact]
    public async Task Workflow_run_uploads_the_file_sets_the_nodes_waits_and_saves_the_output_where_stdout_says()
    {
        var caller = await _server.NewCallerAsync(balance: 1m);
        var output = Path.Combine(_files.Path, "out");
        var (code, stdout, stderr) = await ClientCli.For(_server, caller).Run(
            "workflow", "run", WorkflowFolder.WorkflowId, "-f", "10:image=" + Photo("a.png"), "-n", "20:scale_by=2", "-n", "70:value=a lamp, lit",
            "-o", output, "--interval", "0.2");

        Assert.True(code == 0, stderr);
        var saved = Assert.Single(ClientCli.Lines(stdout));
        Assert.Equal(Path.GetFullPath(output), Path.GetDirectoryName(Path.GetFullPath(saved)));
        Assert.EndsWith(".png", saved);
        Assert.Equal((128, 96), TestImages.SizeOf(await File.ReadAllBytesAsync(saved)));
        var taskId = Path.GetFileName(saved).Split('-')[0];
        var progress = ClientCli.Lines(stderr);
        Assert.All(progress, line => Assert.Matches($"^{taskId} (QUEUED|RUNNING|SUCCESS) [0-9]+\\.[0-9]s", line));
        Assert.Matches(" SUCCESS [0-9.]+s$", progress[^1]);
        var graph = ComfyServer.GraphOf((await _comfy.LatestAsync()).Entry);
        Assert.Equal("a lamp, lit", (string)graph["70"]!["inputs"]!["value"]!);
        Assert.True(await caller.BalanceAsync() < 1m);
    }

    [ComfyFact]
    public async Task Workflow_run_app_json_prints_the_final_task_object_with_its_node_and_cost()
    {
        var caller = await _server.NewCallerAsync(balance: 1m);
        var (code, stdout, stderr) = await ClientCli.For(_server, caller).Run(
            "workflow", "run", "--app", WorkflowFolder.WebappId, "-f", "10:image=" + Photo("b.png"), "-n", "50:noise_seed=77", "--json", "--interval", "0.2");

        Assert.True(code == 0, stderr);
        var task = JsonNode.Parse(stdout)!;
        Assert.Equal("SUCCESS", (string)task["status"]!);
        Assert.Equal("60", (string)task["results"]![0]!["nodeId"]!);
        Assert.NotEqual("", (string)task["usage"]!["consumeMoney"]!);
        Assert.Equal(77L, (long)ComfyServer.GraphOf((await _comfy.LatestAsync()).Entry)["50"]!["inputs"]!["noise_seed"]!);
    }

    [ComfyFact]
    public async Task A_refused_run_is_exit_1_with_the_servers_code_and_mistakes_in_the_command_are_exit_2_with_nothing_sent()
    {
        var caller = await _server.NewCallerAsync(balance: 1m);
        var cli = ClientCli.For(_server, caller);

        var neither = await cli.Run("workflow", "run", "-n", "20:scale_by=2");
        var both = await cli.Run("workflow", "run", WorkflowFolder.WorkflowId, "--app", WorkflowFolder.WebappId);
        var malformed = await cli.Run("workflow", "run", WorkflowFolder.WorkflowId, "-f", "10:image=" + Photo("c.png"),
            "-n", "20=2", "-n", "scale_by", "-f", "10:image=" + Path.Combine(_files.Path, "missing.png"));

        Assert.Equal(2, neither.ExitCode);
        Assert.Contains("runhub workflow run WORKFLOW_ID", neither.StdErr);
        Assert.Equal(2, both.ExitCode);
        Assert.Contains("not both", both.StdErr);
        Assert.Equal(2, malformed.ExitCode);
        Assert.Contains("-n '20=2': expected nodeId:fieldName=value", malformed.StdErr);
        Assert.Contains("-n 'scale_by': expected nodeId:fieldName=value", malformed.StdErr);
        Assert.Contains("missing.png: no such file", malformed.StdErr);
        Assert.False(Directory.Exists(Path.Combine(_server.DataDir, "files", "openapi")), "nothing may be uploaded");

        var refused = await cli.Run("workflow", "run", WorkflowFolder.WorkflowId, "-f", "10:image=" + Photo("d.png"), "-n", "20:no_such_input=1");
        Assert.Equal(1, refused.ExitCode);
        Assert.Equal("", refused.StdOut);
        Assert.Matches("^runhub: 803 .*no_such_input", refused.StdErr.Trim());
        Assert.Equal(1m, await caller.BalanceAsync());
    }
}
