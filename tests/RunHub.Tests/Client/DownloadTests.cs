using RunHub.Client;
using RunHub.Tests.Client.Support;
using RunHub.Tests.Support;

namespace RunHub.Tests.Client;

/// <summary>Result files get the right extension, text results become .txt, and result hosts never see the key (a scripted server).</summary>
public sealed class DownloadTests
{
    [Fact]
    public async Task Extensions_come_from_the_output_type_else_the_url_else_the_content_type()
    {
        var server = new FakeServer().Bytes([1], "application/octet-stream").Bytes([2], "application/octet-stream").Bytes([3], "image/webp").Bytes([4], "application/octet-stream");
        using var client = Clients.For(server);
        using var folder = new TempDirectory();
        var task = await TaskWith(client, """
            [{"url": "https://cdn.example/r/0", "outputType": "png"},
             {"url": "https://cdn.example/r/clip.mp4", "outputType": "video"},
             {"url": "https://cdn.example/r/2"},
             {"url": "https://cdn.example/r/3"},
             {"text": "a caption", "outputType": "txt"}]
            """);

        var paths = await client.DownloadResultsAsync(task, folder.Path);

        Assert.Equal(["9-0.png", "9-1.mp4", "9-2.webp", "9-3.bin", "9-4.txt"], paths.Select(Path.GetFileName));
        Assert.Equal([1], await File.ReadAllBytesAsync(paths[0]));
        Assert.Equal("a caption", await File.ReadAllTextAsync(paths[4]));
        Assert.Empty(Directory.GetFiles(folder.Path, "*.part"));
    }

    [Fact]
    public async Task Result_urls_are_fetched_without_the_api_key_and_relative_ones_resolve_on_the_server()
    {
        var server = new FakeServer().Bytes([1], "image/png");
        using var client = Clients.For(server);
        using var folder = new TempDirectory();
        var task = await TaskWith(client, """[{"url": "/files/results/abc/0.png", "outputType": "png"}]""");

        await client.DownloadResultsAsync(task, folder.Path);

        var download = server.Requests.Last();
        Assert.Equal("http://runhub.test/files/results/abc/0.png", download.Uri.ToString());
        Assert.Null(download.Authorization);
    }

    [Fact]
    public async Task A_missing_result_file_is_an_http_error_with_the_task_id_and_not_retried()
    {
        var server = new FakeServer().Status(System.Net.HttpStatusCode.NotFound);
        using var client = Clients.For(server);
        using var folder = new TempDirectory();
        var task = new RunHubTask { TaskId = "9", Status = RunHubTaskStatus.Success, Results = [new TaskResult("https://cdn.example/gone.png", "png", null, default)] };

        var error = await Assert.ThrowsAsync<RunHubException>(() => client.DownloadResultsAsync(task, folder.Path));

        Assert.Equal(("HTTP 404", "9", false), (error.ErrorCode, error.TaskId, error.IsRetryable));
        Assert.Single(server.Requests);
        Assert.Empty(Directory.GetFiles(folder.Path));
    }

    [Fact]
    public async Task A_bare_socket_error_while_downloading_is_a_network_error_and_the_download_is_retried()
    {
        var server = new FakeServer().BareSocketError().Bytes([7], "image/png");
        using var client = Clients.For(server);
        using var folder = new TempDirectory();
        var task = new RunHubTask { TaskId = "9", Status = RunHubTaskStatus.Success, Results = [new TaskResult("https://cdn.example/r.png", "png", null, default)] };

        var paths = await client.DownloadResultsAsync(task, folder.Path);

        Assert.Equal([7], await File.ReadAllBytesAsync(Assert.Single(paths)));
        Assert.Equal(2, server.Requests.Count);
    }

    /// <summary>A successful task with these results, read through the client's own parsing (the first scripted answer).</summary>
    private static async Task<RunHubTask> TaskWith(RunHubClient client, string results)
    {
        using var parser = Clients.For(new FakeServer().Json($$"""{"taskId": "9", "status": "SUCCESS", "errorCode": "", "errorMessage": "", "results": {{results}}}"""));
        return await parser.QueryAsync("9");
    }
}
