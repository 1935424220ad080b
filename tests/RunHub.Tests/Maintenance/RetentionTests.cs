using System.Net;
using Dapper;
using Microsoft.Extensions.DependencyInjection;
using RunHub.Accounts;
using RunHub.Files;
using RunHub.Tests.Data;
using RunHub.Tests.Support;

namespace RunHub.Tests.Maintenance;

/// <summary>Result files and uploads expire (docs/retention.md); the task, its status and its ledger lines stay.</summary>
public sealed class RetentionTests
{
    [Theory, SqliteStore, PostgresStore]
    public Task Results_and_uploads_on_local_disk_are_deleted_after_seven_days_and_the_task_still_answers(StoreKind kind) =>
        ExpireAndCheckAsync(kind, s3: false);

    [S3Theory, SqliteStore, PostgresStore]
    public Task Results_and_uploads_in_s3_are_deleted_after_seven_days_and_the_task_still_answers(StoreKind kind) =>
        ExpireAndCheckAsync(kind, s3: true);

    private static async Task ExpireAndCheckAsync(StoreKind kind, bool s3)
    {
        await using var run = await RetentionServer.StartAsync(kind, s3);
        var caller = await run.Server.NewCallerAsync(1m);
        var uploadUrl = await RetentionServer.UploadAsync(caller);
        var (taskId, resultUrl) = await RetentionServer.FinishedTaskAsync(caller);
        var balance = await caller.BalanceAsync();
        var ledger = await LedgerLinesAsync(run, caller.AccountId);

        run.Clock.Advance(TimeSpan.FromDays(6.9));
        await run.RunMaintenanceAsync();
        Assert.Equal(HttpStatusCode.OK, (await run.GetAsync(resultUrl)).Status);
        Assert.Equal(HttpStatusCode.OK, (await run.GetAsync(uploadUrl)).Status);

        run.Clock.Advance(TimeSpan.FromDays(0.2));
        var swept = await run.RunMaintenanceAsync();

        Assert.Equal((1, 1), (swept.ExpiredTasks, swept.ExpiredUploads));
        var (resultStatus, resultReason) = await run.GetAsync(resultUrl);
        Assert.Equal(HttpStatusCode.NotFound, resultStatus);
        Assert.Equal("1004", (string)resultReason!["errorCode"]!);
        Assert.Contains("kept for 7 days after their task ends", (string)resultReason["errorMessage"]!);
        var (uploadStatus, uploadReason) = await run.GetAsync(uploadUrl);
        Assert.Equal(HttpStatusCode.NotFound, uploadStatus);
        Assert.Equal(1004, (int)uploadReason!["code"]!);
        Assert.Contains("uploads are kept for 7 days", (string)uploadReason["message"]!);
        // Gone from the store itself, not only from the answers.
        var files = run.Server.Services.GetRequiredService<IFileStore>();
        Assert.Null(await files.LengthAsync(KeyOf(resultUrl), default));
        Assert.Null(await files.LengthAsync(KeyOf(uploadUrl), default));
        // The task still answers with its status and what it cost; the money and its record are untouched.
        var task = await caller.QueryAsync(taskId);
        Assert.Equal(("SUCCESS", ""), ((string)task["status"]!, (string)task["errorCode"]!));
        Assert.Equal(resultUrl, (string)task["results"]![0]!["url"]!);
        Assert.NotNull(task["usage"]);
        Assert.Equal(balance, await caller.BalanceAsync());
        Assert.Equal(ledger, await LedgerLinesAsync(run, caller.AccountId));
    }

    [Theory, SqliteStore, PostgresStore]
    public async Task An_accounts_own_retention_keeps_its_results_longer_or_shorter_than_the_servers(StoreKind kind)
    {
        await using var run = await RetentionServer.StartAsync(kind);
        var usual = await run.Server.NewCallerAsync(1m, "usual");
        var archive = await run.Server.NewCallerAsync(1m, "archive");
        var brief = await run.Server.NewCallerAsync(1m, "brief");
        var retention = new AccountRetention(run.Store.Database);
        await retention.SetAsync(archive.AccountId, 30);
        await retention.SetAsync(brief.AccountId, 1);
        var usualUrl = (await RetentionServer.FinishedTaskAsync(usual)).Url;
        var archiveUrl = (await RetentionServer.FinishedTaskAsync(archive)).Url;
        var briefUrl = (await RetentionServer.FinishedTaskAsync(brief)).Url;

        run.Clock.Advance(TimeSpan.FromDays(2));
        await run.RunMaintenanceAsync();
        Assert.Equal([HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.NotFound], await StatusesAsync(run, usualUrl, archiveUrl, briefUrl));

        run.Clock.Advance(TimeSpan.FromDays(6));
        await run.RunMaintenanceAsync();
        Assert.Equal([HttpStatusCode.NotFound, HttpStatusCode.OK, HttpStatusCode.NotFound], await StatusesAsync(run, usualUrl, archiveUrl, briefUrl));

        run.Clock.Advance(TimeSpan.FromDays(23));
        await run.RunMaintenanceAsync();
        Assert.Equal(HttpStatusCode.NotFound, (await run.GetAsync(archiveUrl)).Status);
        Assert.Equal(30d, await retention.DaysAsync(archive.AccountId));
        Assert.Null(await retention.DaysAsync(usual.AccountId));
    }

    [Fact]
    public async Task The_maintenance_loop_deletes_expired_files_by_itself_every_interval()
    {
        await using var run = await RetentionServer.StartAsync(StoreKind.Sqlite, settings: new Dictionary<string, string?>
        {
            ["Maintenance:IntervalSeconds"] = "1",
        });
        var caller = await run.Server.NewCallerAsync(1m);
        var (_, url) = await RetentionServer.FinishedTaskAsync(caller);
        var job = run.Server.Services.GetRequiredService<RunHub.Maintenance.MaintenanceJob>();

        run.Clock.Advance(TimeSpan.FromDays(8));
        // The run in progress may have read the clock before it moved; the one after it has not.
        await job.NextRunAsync().WaitAsync(TimeSpan.FromSeconds(30));
        await job.NextRunAsync().WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal(HttpStatusCode.NotFound, (await run.GetAsync(url)).Status);
    }

    [Fact]
    public async Task A_file_that_never_existed_answers_404_with_a_json_reason()
    {
        await using var server = await TestServer.StartAsync();

        using var response = await server.Http.GetAsync("/files/results/0123456789abcdef/0.png");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        var reason = System.Text.Json.Nodes.JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        Assert.Equal("1004", (string)reason["errorCode"]!);
        Assert.StartsWith("file not found", (string)reason["errorMessage"]!);
    }

    private static async Task<HttpStatusCode[]> StatusesAsync(RetentionServer run, params string[] urls)
    {
        var statuses = new List<HttpStatusCode>();
        foreach (var url in urls) statuses.Add((await run.GetAsync(url)).Status);
        return [.. statuses];
    }

    private static async Task<List<(string, long, long)>> LedgerLinesAsync(RetentionServer run, string accountId)
    {
        await using var db = await run.Store.Database.OpenAsync();
        return (await db.QueryAsync<(string, long, long)>(
            "SELECT kind, amount, held FROM ledger WHERE account_id = @accountId ORDER BY id", new { accountId })).ToList();
    }

    private static string KeyOf(string url) => new Uri(url).AbsolutePath["/files/".Length..];
}
