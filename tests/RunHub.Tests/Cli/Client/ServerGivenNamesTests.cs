using RunHub.Tests.Support;

namespace RunHub.Tests.Cli.Client;

/// <summary>
/// <c>runhub run -o DIR</c> against a hostile server (issue 11 item 8): the server names the files through its task
/// id, so a task id that climbs out of DIR or is an absolute path must write nothing anywhere.
/// </summary>
public sealed class ServerGivenNamesTests : IDisposable
{
    private readonly TempDirectory _root = new();

    public void Dispose() => _root.Dispose();

    [Theory]
    [InlineData("../x")]
    [InlineData("../../escaped")]
    [InlineData("/tmp/runhub-hostile-absolute")]
    [InlineData("sub/dir")]
    [InlineData("..")]
    [InlineData(".hidden")]
    public async Task Run_refuses_a_task_id_that_would_name_a_path_and_writes_nothing(string taskId)
    {
        await using var hostile = await HostileTaskServer.StartAsync(taskId);
        var output = Directory.CreateDirectory(Path.Combine(_root.Path, "a", "b", "out")).FullName;
        var before = AllFiles();

        var (code, _, stderr) = await new ClientCli(hostile.Url("/openapi/v2"), new string('a', 32)).Run(
            "run", "some/model", "-p", "prompt=hello there", "-o", output, "--interval", "0.2");

        Assert.NotEqual(0, code);
        Assert.Contains("cannot name a file", stderr);
        Assert.Equal(before, AllFiles());
        Assert.False(File.Exists(taskId + "-0.png"));
        Assert.False(File.Exists("/tmp/runhub-hostile-absolute-0.png"));
    }

    [Fact]
    public async Task Run_saves_under_an_ordinary_task_id_inside_the_folder()
    {
        await using var server = await HostileTaskServer.StartAsync("2013508786110730241");
        var output = Directory.CreateDirectory(Path.Combine(_root.Path, "out")).FullName;

        var (code, stdout, stderr) = await new ClientCli(server.Url("/openapi/v2"), new string('a', 32)).Run(
            "run", "some/model", "-p", "prompt=hello there", "-o", output, "--interval", "0.2");

        Assert.True(code == 0, stderr);
        Assert.Equal(Path.Combine(output, "2013508786110730241-0.png"), stdout.Trim());
        Assert.True(File.Exists(Path.Combine(output, "2013508786110730241-0.png")));
    }

    private string[] AllFiles() => Directory.GetFiles(_root.Path, "*", SearchOption.AllDirectories).Order().ToArray();
}
