using RunHub.Client;
using RunHub.Tests.Client.Support;
using RunHub.Tests.Support;

namespace RunHub.Tests.Client;

/// <summary>
/// Local files and folders the caller names (issue 10 item 8): a problem with them is a <see cref="RunHubException"/>
/// with the SDK code <c>local-file</c>, as the docs promise for every failure — never a bare IOException — and a
/// missing input is found before anything is uploaded or submitted.
/// </summary>
public sealed class LocalFileTests
{
    [Fact]
    public async Task A_missing_local_file_in_RunAsync_is_a_RunHubException_and_nothing_is_sent()
    {
        var server = new FakeServer().Json("""{"code": 0, "msg": "success", "data": {"download_url": "https://cdn.example/u.png", "fileName": "openapi/u.png", "type": "image", "size": "1"}}""");
        using var client = Clients.For(server);
        using var folder = new TempDirectory();
        var present = Path.Combine(folder.Path, "present.png");
        await File.WriteAllBytesAsync(present, TestImages.Png(8, 8));
        var missing = Path.Combine(folder.Path, "missing.png");

        var error = await Assert.ThrowsAsync<RunHubException>(() => client.RunAsync("rhart-image-g-1.5/edit",
            new { prompt = "never submitted", aspectRatio = "1:1" }, files: [LocalFiles.List("imageUrls", present, missing)]));

        Assert.Equal(RunHubErrorCodes.LocalFile, error.ErrorCode);
        Assert.False(error.IsRetryable);
        Assert.Contains("imageUrls", error.ErrorMessage);
        Assert.Contains(missing, error.ErrorMessage);
        Assert.Empty(server.Requests);
    }

    [Fact]
    public async Task A_missing_file_given_to_UploadAsync_is_a_RunHubException()
    {
        var server = new FakeServer();
        using var client = Clients.For(server);

        var error = await Assert.ThrowsAsync<RunHubException>(() => client.UploadAsync("/nonexistent/runhub/photo.png"));

        Assert.Equal(RunHubErrorCodes.LocalFile, error.ErrorCode);
        Assert.Contains("does not exist", error.ErrorMessage);
        Assert.Empty(server.Requests);
    }

    [Fact]
    public async Task A_download_folder_that_cannot_be_made_is_a_RunHubException_not_retried()
    {
        var server = new FakeServer().Bytes([1], "image/png");
        using var client = Clients.For(server);
        using var parent = new TempDirectory();
        var file = Path.Combine(parent.Path, "a-file");
        await File.WriteAllTextAsync(file, "not a folder");
        var task = new RunHubTask { TaskId = "9", Status = RunHubTaskStatus.Success, Results = [new TaskResult("https://cdn.example/r/0", "png", null, default)] };

        var error = await Assert.ThrowsAsync<RunHubException>(() => client.DownloadResultsAsync(task, Path.Combine(file, "out")));

        Assert.Equal(RunHubErrorCodes.LocalFile, error.ErrorCode);
        Assert.Empty(server.Requests);
    }
}
