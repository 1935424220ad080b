using RunHub.Client;
using RunHub.Tests.Client.Support;
using RunHub.Tests.Support;

namespace RunHub.Tests.Client;

/// <summary>The SDK's whole flow against the real server: upload, submit, wait, download, account.</summary>
public sealed class RunFlowTests : IAsyncLifetime
{
    private TestServer _server = null!;

    public async Task InitializeAsync() => _server = await TestServer.StartAsync();

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task RunAsync_uploads_a_local_file_submits_waits_and_the_result_downloads_as_a_1024x1536_png()
    {
        var caller = await _server.NewCallerAsync(balance: 1m);
        using var folder = new TempDirectory();
        var input = Path.Combine(folder.Path, "photo.png");
        await File.WriteAllBytesAsync(input, TestImages.Png(600, 400));
        using var client = Clients.For(_server, caller);

        var task = await client.RunAsync("rhart-image-g-1.5/edit",
            new { prompt = "A sudden, massive explosion behind three friends", aspectRatio = "2:3" },
            [LocalFiles.List("imageUrls", input)]);

        Assert.Equal(RunHubTaskStatus.Success, task.Status);
        Assert.Matches("^[0-9]{19}$", task.TaskId);
        var result = Assert.Single(task.Results);
        Assert.Equal("png", result.OutputType);
        Assert.Equal(0.03m, task.Usage?.ConsumeMoney);

        var saved = await client.DownloadResultsAsync(task, Path.Combine(folder.Path, "out"));
        var path = Assert.Single(saved);
        Assert.Equal($"{task.TaskId}-0.png", Path.GetFileName(path));
        Assert.Equal((1024, 1536), TestImages.SizeOf(await File.ReadAllBytesAsync(path)));
        Assert.Equal(0.97m, (await client.GetAccountStatusAsync()).RemainMoney);
    }

    [Fact]
    public async Task Upload_of_a_stream_returns_the_download_url_with_the_servers_name_type_and_size()
    {
        var caller = await _server.NewCallerAsync();
        using var client = Clients.For(_server, caller);
        var png = TestImages.Png(40, 30);
        using var stream = new MemoryStream(png);

        var uploaded = await client.UploadAsync(stream, "any-name.png");

        Assert.StartsWith(_server.BaseUrl + "/files/openapi/", uploaded.DownloadUrl);
        Assert.Matches("^openapi/[0-9a-f]{32}\\.png$", uploaded.FileName);
        Assert.Equal("image", uploaded.Type);
        Assert.Equal(png.Length, uploaded.Size);
        Assert.Equal(png, await _server.Http.GetByteArrayAsync(uploaded.DownloadUrl));
        Assert.True(stream.CanRead, "the caller's stream stays open");
    }

    [Fact]
    public async Task Submit_returns_the_task_at_once_and_wait_returns_it_successful_with_results()
    {
        var caller = await _server.NewCallerAsync();
        using var client = Clients.For(_server, caller);

        var submitted = await client.SubmitAsync("rhart-image-g-1.5/text-to-image", new { prompt = "a lighthouse at dawn", aspectRatio = "1:1" });
        Assert.Contains(submitted.Status, new[] { RunHubTaskStatus.Queued, RunHubTaskStatus.Running, RunHubTaskStatus.Success });
        Assert.Equal("", submitted.ErrorCode);
        Assert.Matches("^[0-9a-f]{32}$", submitted.ClientId);

        var done = await client.WaitAsync(submitted.TaskId);
        Assert.True(done.IsSuccess);
        Assert.Equal(submitted.TaskId, done.TaskId);
        Assert.StartsWith(_server.BaseUrl + "/files/", Assert.Single(done.Results).Url);
    }

    [Fact]
    public async Task Account_status_reads_the_wallet_from_uc_openapi_outside_openapi_v2()
    {
        var caller = await _server.NewCallerAsync(balance: 12.5m);
        using var client = Clients.For(_server, caller);

        var status = await client.GetAccountStatusAsync();

        Assert.Equal(12.5m, status.RemainMoney);
        Assert.Equal("CNY", status.Currency);
        Assert.Equal(0, status.CurrentTaskCounts);
        Assert.Equal("SHARED", status.ApiType);
    }

    [Fact]
    public async Task Models_lists_the_catalog_with_parameters_price_and_the_raw_entry()
    {
        var caller = await _server.NewCallerAsync();
        using var client = Clients.For(_server, caller);

        var models = await client.ListModelsAsync();

        var edit = Assert.Single(models, m => m.Endpoint == "rhart-image-g-1.5/edit");
        Assert.Equal("image", edit.OutputType);
        Assert.Equal("0.03 CNY/次", edit.PriceText);
        var prompt = Assert.Single(edit.Parameters, p => p.FieldKey == "prompt");
        Assert.Equal("STRING", prompt.Type);
        Assert.True(prompt.Required);
        Assert.Equal(800, prompt.Raw.GetProperty("maxLength").GetInt32());
        var aspect = Assert.Single(edit.Parameters, p => p.FieldKey == "aspectRatio");
        Assert.Equal(["auto", "1:1", "3:2", "2:3"], aspect.Options);
        Assert.Equal("IMAGE", Assert.Single(edit.Parameters, p => p.FieldKey == "imageUrls").Type);
        Assert.Equal("rhart-image-g-1.5/edit", edit.Raw.GetProperty("endpoint").GetString());
    }
}
