using System.Net;
using Dapper;
using Microsoft.Extensions.DependencyInjection;
using RunHub.Catalog;
using RunHub.Data;
using RunHub.Files;
using RunHub.Media;
using RunHub.Tests.Data;
using RunHub.Tests.Maintenance;
using RunHub.Tests.Support;

namespace RunHub.Tests.Media;

/// <summary>
/// Issue 12: a small inline (<c>data:</c>) input is kept in the database with its task (<c>task_inputs</c>), written in
/// the submit's own transaction, instead of a file of its own. Before: every inline input became a file under
/// <c>inputs/</c>, not synced before the task committed, and never deleted. Each store, with local and S3 storage: the
/// input is served at its URL, read by the run, refused submits store nothing, and retention deletes it with the task's
/// other files. A larger input (over <c>Media:InlineInputDatabaseKb</c>) stays a file and expires the same way.
/// </summary>
public sealed class InlineInputStorageTests
{
    private const string Edit = "rhart-image-g-1.5/edit";

    [Theory, SqliteStore, PostgresStore]
    public Task A_small_inline_input_is_kept_with_its_task_served_used_by_the_run_and_deleted_by_retention(StoreKind kind) =>
        KeptServedAndExpiredAsync(kind, s3: false);

    [S3Theory, SqliteStore, PostgresStore]
    public Task With_s3_presigned_urls_a_small_inline_input_is_served_from_runhubs_own_files_route_and_expires(StoreKind kind) =>
        KeptServedAndExpiredAsync(kind, s3: true);

    private static async Task KeptServedAndExpiredAsync(StoreKind kind, bool s3)
    {
        await using var run = await StartAsync(kind, s3);
        var caller = await run.Server.NewCallerAsync(1m);
        var png = TestImages.Png(64, 48);

        var (taskId, url) = await SubmitAsync(run.Server, caller, png);

        // RunHub's own route, whatever the storage's URL mode: the bytes are in the database, not the bucket.
        Assert.StartsWith(run.Server.Http.BaseAddress!.ToString().TrimEnd('/') + "/files/inputs/", url);
        var key = url[(url.IndexOf("/files/", StringComparison.Ordinal) + "/files/".Length)..];
        Assert.Equal(png, await InputRowAsync(run, key));
        Assert.Null(await run.Server.Services.GetRequiredService<IFileStore>().LengthAsync(key, default));
        Assert.False(Directory.Exists(Path.Combine(run.Store.DataDir, "files", "inputs")));
        Assert.Equal(png, await run.Server.Http.GetByteArrayAsync(url));
        using (var head = await run.Server.Http.SendAsync(new HttpRequestMessage(HttpMethod.Head, url)))
            Assert.Equal((HttpStatusCode.OK, png.Length), (head.StatusCode, (int)head.Content.Headers.ContentLength!));
        // What a worker reads: the own-URL shortcut of the fetcher, and a workflow's stored key.
        var fetcher = run.Server.Services.GetRequiredService<InputFetcher>();
        var spec = new ParameterSpec { FieldKey = "imageUrls", Type = ParameterType.Image, MaxSizeMb = 10 };
        Assert.Equal(png, (await fetcher.FetchAsync(new MediaReference("imageUrls", 0, url), spec, default)).Data);
        Assert.Equal(png, (await fetcher.FetchStoredAsync("10.image", key, spec, default)).Data);
        var done = await caller.WaitAsync(taskId);
        Assert.Equal("SUCCESS", (string)done["status"]!);

        run.Clock.Advance(TimeSpan.FromDays(6.9));
        Assert.Equal(0, (await run.RunMaintenanceAsync()).ExpiredInputs);
        Assert.Equal(png, await run.Server.Http.GetByteArrayAsync(url));

        run.Clock.Advance(TimeSpan.FromDays(0.2));
        Assert.Equal(1, (await run.RunMaintenanceAsync()).ExpiredInputs);
        Assert.Null(await InputRowAsync(run, key));
        var (status, reason) = await run.GetAsync(url);
        Assert.Equal(HttpStatusCode.NotFound, status);
        Assert.Contains("inline inputs are kept for 7 days after their task ends", (string)reason!["errorMessage"]!);
    }

    [Theory, SqliteStore, PostgresStore]
    public async Task A_large_inline_input_is_a_file_served_and_used_and_retention_deletes_the_file_and_its_row(StoreKind kind)
    {
        await using var run = await StartAsync(kind, s3: false, databaseKb: 1);
        var caller = await run.Server.NewCallerAsync(1m);
        var png = TestImages.Png(600, 400);
        Assert.True(png.Length > 1024, $"the picture is {png.Length} bytes");

        var (taskId, url) = await SubmitAsync(run.Server, caller, png);
        var key = url[(url.IndexOf("/files/", StringComparison.Ordinal) + "/files/".Length)..];
        var file = Path.Combine(run.Store.DataDir, "files", key);
        Assert.Equal(png, await File.ReadAllBytesAsync(file));
        Assert.Equal(1, await InputRowsAsync(run));
        Assert.Null(await InputRowAsync(run, key));
        Assert.Equal(png, await run.Server.Http.GetByteArrayAsync(url));
        Assert.Matches("^inputs/[0-9a-f]{32}\\.png$", key);
        Assert.Equal("SUCCESS", (string)(await caller.WaitAsync(taskId))["status"]!);

        run.Clock.Advance(TimeSpan.FromDays(7.1));
        Assert.Equal(1, (await run.RunMaintenanceAsync()).ExpiredInputs);
        Assert.False(File.Exists(file));
        Assert.Equal(0, await InputRowsAsync(run));
        Assert.Equal(HttpStatusCode.NotFound, (await run.GetAsync(url)).Status);
    }

    [Theory, SqliteStore, PostgresStore]
    public async Task A_submit_refused_for_its_balance_stores_no_inline_input_small_or_large(StoreKind kind)
    {
        await using var run = await StartAsync(kind, s3: false, databaseKb: 1);
        var poor = await run.Server.NewCallerAsync(0m);
        var answer = await poor.SubmitAsync(Edit, new
        {
            prompt = "no money",
            imageUrls = new[] { TestImages.DataUri(TestImages.Png(8, 8)), TestImages.DataUri(TestImages.Png(600, 400)) },
            aspectRatio = "1:1",
        });

        Assert.Equal("812", (string)answer["errorCode"]!);
        Assert.Equal(0, await InputRowsAsync(run));
        var inputs = Path.Combine(run.Store.DataDir, "files", "inputs");
        Assert.Empty(Directory.Exists(inputs) ? Directory.GetFiles(inputs) : []);
    }

    [Theory, SqliteStore, PostgresStore]
    public async Task An_input_kept_with_its_task_is_still_served_and_run_after_the_server_restarts(StoreKind kind)
    {
        var store = new TestStore(kind);
        try
        {
            var settings = new Dictionary<string, string?>(store.ServerSettings) { ["Role"] = "api" };
            var png = TestImages.Png(32, 32);
            string taskId, url, accountKey;
            await using (var first = await TestServer.StartAsync(settings, store.DataDir))
            {
                var caller = await first.NewCallerAsync(1m);
                (taskId, url) = await SubmitAsync(first, caller, png);
                accountKey = caller.ApiKey;
            }
            settings.Remove("Role");
            await using var second = await TestServer.StartAsync(settings, store.DataDir);
            var path = new Uri(url).PathAndQuery;
            Assert.Equal(png, await second.Http.GetByteArrayAsync(path));
            var again = new ApiCaller(second.Http, "", accountKey);
            Assert.Equal("SUCCESS", (string)(await again.WaitAsync(taskId))["status"]!);
        }
        finally
        {
            store.Dispose();
        }
    }

    [Theory, SqliteStore, PostgresStore]
    public async Task Cancelling_a_queued_task_deletes_its_inline_inputs_file_and_row_at_once(StoreKind kind)
    {
        // An API node only, so the tasks stay QUEUED; inputs over 1 KB are files.
        await using var run = await RetentionServer.StartAsync(kind, settings: new Dictionary<string, string?> { ["Role"] = "api", ["Media:InlineInputDatabaseKb"] = "1" });
        var caller = await run.Server.NewCallerAsync(1m);
        var (large, small) = (TestImages.Png(600, 400), TestImages.Png(16, 16));
        Assert.True(large.Length > 1024 && small.Length <= 1024, $"the pictures are {large.Length} and {small.Length} bytes");
        var (fileTask, fileUrl) = await SubmitAsync(run.Server, caller, large);
        var (rowTask, rowUrl) = await SubmitAsync(run.Server, caller, small);
        var file = Path.Combine(run.Store.DataDir, "files", fileUrl[(fileUrl.IndexOf("/files/", StringComparison.Ordinal) + "/files/".Length)..]);
        Assert.True(File.Exists(file));
        Assert.Equal(2, await InputRowsAsync(run));

        foreach (var taskId in new[] { fileTask, rowTask })
        {
            var cancelled = await caller.PostAsync("/openapi/v2/cancel", System.Text.Json.JsonSerializer.Serialize(new { taskId }));
            Assert.Equal("CANCEL", (string)cancelled["status"]!);
        }

        Assert.False(File.Exists(file));
        Assert.Equal(0, await InputRowsAsync(run));
        Assert.Equal(HttpStatusCode.NotFound, (await run.GetAsync(fileUrl)).Status);
        Assert.Equal(HttpStatusCode.NotFound, (await run.GetAsync(rowUrl)).Status);
        Assert.Equal(1m, await caller.BalanceAsync());
    }

    private static Task<RetentionServer> StartAsync(StoreKind kind, bool s3, int? databaseKb = null)
    {
        var settings = new Dictionary<string, string?>();
        if (databaseKb is { } kb) settings["Media:InlineInputDatabaseKb"] = kb.ToString(System.Globalization.CultureInfo.InvariantCulture);
        if (s3) settings["Storage:S3:Urls"] = "presigned";
        return RetentionServer.StartAsync(kind, s3, settings);
    }

    /// <summary>Submits an edit of <paramref name="png"/> as a data: URL; the task's id and the input's URL in its parameters.</summary>
    private static async Task<(string TaskId, string Url)> SubmitAsync(TestServer server, ApiCaller caller, byte[] png)
    {
        var submitted = await caller.SubmitAsync(Edit, new { prompt = "an inline picture", imageUrls = new[] { TestImages.DataUri(png) }, aspectRatio = "1:1" });
        Assert.Equal("", (string)submitted["errorCode"]!);
        var taskId = (string)submitted["taskId"]!;
        await using var db = await server.Services.GetRequiredService<Database>().OpenAsync();
        var parameters = await db.ExecuteScalarAsync<string>("SELECT parameters FROM tasks WHERE id = @taskId", new { taskId });
        var url = (string)System.Text.Json.Nodes.JsonNode.Parse(parameters!)!["imageUrls"]![0]!;
        return (taskId, url);
    }

    private static async Task<byte[]?> InputRowAsync(RetentionServer run, string key)
    {
        await using var db = await run.Server.Services.GetRequiredService<Database>().OpenAsync();
        return await db.QueryFirstOrDefaultAsync<byte[]>("SELECT content FROM task_inputs WHERE key = @key", new { key });
    }

    private static async Task<long> InputRowsAsync(RetentionServer run)
    {
        await using var db = await run.Server.Services.GetRequiredService<Database>().OpenAsync();
        return await db.ExecuteScalarAsync<long>("SELECT count(*) FROM task_inputs");
    }
}

/// <summary><c>Media:InlineInputDatabaseKb</c> is checked at start like every setting.</summary>
public sealed class InlineInputSettingsTests
{
    [Theory]
    [InlineData(-1)]
    [InlineData(4097)]
    public void An_inline_input_database_size_outside_0_to_4096_kb_is_named_with_its_environment_variable(int kb)
    {
        var options = new RunHubOptions();
        options.Media.InlineInputDatabaseKb = kb;

        var failures = Assert.Throws<Microsoft.Extensions.Options.OptionsValidationException>(() => RunHubOptionsValidation.ThrowIfInvalid(options)).Failures;

        Assert.Contains(failures, f => f.StartsWith($"RunHub:Media:InlineInputDatabaseKb (RunHub__Media__InlineInputDatabaseKb) is {kb};", StringComparison.Ordinal));
    }

    [Fact]
    public void By_default_inline_inputs_up_to_256_kb_are_kept_in_the_database()
    {
        var options = new RunHubOptions();
        RunHubOptionsValidation.ThrowIfInvalid(options);
        Assert.Equal(256, options.Media.InlineInputDatabaseKb);
    }
}
