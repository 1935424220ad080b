using RunHub.Tests.Support;

namespace RunHub.Tests.Cli.Client;

/// <summary>
/// <c>runhub workflow run -o DIR</c> against a hostile server: the saved files are named by the server's task id, so
/// one that climbs out of DIR, or is an absolute path, must write nothing anywhere (as for <c>runhub run</c>).
/// </summary>
public sealed class WorkflowRunNamesTests : IDisposable
{
    private readonly TempDirectory _root = new();

    public void Dispose() => _root.Dispose();

    [Theory]
    [InlineData("../x")]
    [InlineData("/tmp/runhub-hostile-workflow")]
    [InlineData("sub/dir")]
    [InlineData(".hidden")]
    public async Task Workflow_run_refuses_a_task_id_that_would_name_a_path_and_writes_nothing(string taskId)
    {
        await using var hostile = await HostileTaskServer.StartAsync(taskId);
        var output = Directory.CreateDirectory(Path.Combine(_root.Path, "a", "b", "out")).FullName;
        var before = AllFiles();

        var (code, _, stderr) = await new ClientCli(hostile.Url("/openapi/v2"), new string('a', 32)).Run(
            "workflow", "run", "1904136902449209346", "-n", "6:text=hello", "-o", output, "--interval", "0.2");

        Assert.NotEqual(0, code);
        Assert.Contains("cannot name a file", stderr);
        Assert.Equal(before, AllFiles());
        Assert.False(File.Exists("/tmp/runhub-hostile-workflow-0.png"));
    }

    private string[] AllFiles() => Directory.GetFiles(_root.Path, "*", SearchOption.AllDirectories).Order().ToArray();
}
