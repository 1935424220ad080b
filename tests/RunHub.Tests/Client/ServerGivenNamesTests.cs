using RunHub.Client;
using RunHub.Tests.Client.Support;
using RunHub.Tests.Support;

namespace RunHub.Tests.Client;

/// <summary>
/// <c>DownloadResultsAsync</c> names files after the server's task id (issue 11 item 8): a name that could leave the
/// folder is refused as an invalid response before anything is written.
/// </summary>
public sealed class ServerGivenNamesTests
{
    [Theory]
    [InlineData("../x")]
    [InlineData("..\\x")]
    [InlineData("/etc/cron.d/x")]
    [InlineData("a/b")]
    [InlineData(".")]
    [InlineData("x\u001b[31m")]
    [InlineData("x\0y")]
    public async Task A_task_id_that_could_name_a_path_is_an_invalid_response_and_nothing_is_written(string taskId)
    {
        var server = new FakeServer().Bytes([1], "image/png");
        using var client = Clients.For(server);
        using var parent = new TempDirectory();
        var folder = Path.Combine(parent.Path, "out");
        var task = new RunHubTask { TaskId = taskId, Status = RunHubTaskStatus.Success, Results = [new TaskResult("https://cdn.example/r/0", "png", null, default)] };

        var error = await Assert.ThrowsAsync<RunHubException>(() => client.DownloadResultsAsync(task, folder));

        Assert.Equal(RunHubErrorCodes.InvalidResponse, error.ErrorCode);
        Assert.Null(error.TaskId);
        Assert.Empty(server.Requests);
        Assert.Empty(Directory.GetFileSystemEntries(parent.Path, "*", SearchOption.AllDirectories));
    }

    [Fact]
    public async Task An_output_type_that_could_name_a_path_is_not_used_as_the_extension()
    {
        var server = new FakeServer().Bytes([1], "application/octet-stream");
        using var client = Clients.For(server);
        using var folder = new TempDirectory();
        var task = new RunHubTask { TaskId = "9", Status = RunHubTaskStatus.Success, Results = [new TaskResult("https://cdn.example/r/0", "png/../../../x", null, default)] };

        var paths = await client.DownloadResultsAsync(task, folder.Path);

        Assert.Equal(Path.Combine(folder.Path, "9-0.bin"), Assert.Single(paths));
    }
}
