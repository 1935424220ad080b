using System.Text.Json.Nodes;
using Dapper;
using Microsoft.Extensions.DependencyInjection;
using RunHub.Data;
using RunHub.Files;
using RunHub.Limits;
using RunHub.Tests.Data;
using RunHub.Tests.Maintenance;
using RunHub.Tests.Support;
using RunHub.Tests.Workflows;

namespace RunHub.Tests.Limits;

/// <summary>
/// The MB of uploads an account may keep (<c>RunHub:Limits:MaxUploadMbPerAccount</c>, or its own cap), as a client of
/// the real server sees it, on SQLite and PostgreSQL: an upload that would pass it is refused and nothing is stored.
/// </summary>
public sealed class UploadQuotaTests
{
    private const int Kb = 1024;

    /// <summary>A zip archive as the upload knows one (by its first local file header), <paramref name="size"/> bytes long.</summary>
    private static byte[] Zip(int size)
    {
        var bytes = new byte[size];
        "PK\u0003\u0004"u8.CopyTo(bytes);
        return bytes;
    }

    private static Dictionary<string, string?> OneMbEach => new() { ["Limits:MaxUploadMbPerAccount"] = "1", ["Media:MaxUploadMb"] = "1" };

    [Theory, SqliteStore, PostgresStore]
    public async Task An_upload_that_would_pass_what_the_account_may_keep_is_1008_stores_nothing_and_fits_once_the_kept_ones_expire(StoreKind kind)
    {
        await using var server = await RetentionServer.StartAsync(kind, settings: OneMbEach);
        var caller = await server.Server.NewCallerAsync();
        var other = await server.Server.NewCallerAsync(name: "other");
        Assert.Equal(0, (int)(await caller.UploadAsync(Zip(600 * Kb), "first.zip"))["code"]!);

        var refused = await caller.UploadAsync(Zip(600 * Kb), "second.zip");
        Assert.Equal(1008, (int)refused["code"]!);
        var message = (string)refused["message"]!;
        Assert.Contains("this account may keep 1 MB of uploads and keeps 0.59 MB now, so this file (0.59 MB) does not fit", message);
        Assert.Contains("room is made as they expire, the next at ", message);
        Assert.Null(refused["data"]);
        Assert.Equal(1, await UploadsOfAsync(server.Server, caller.AccountId));
        Assert.Single(Directory.GetFiles(Path.Combine(server.Store.DataDir, "files", "openapi")));

        // The cap is each account's own: another account's uploads do not count.
        Assert.Equal(0, (int)(await other.UploadAsync(Zip(600 * Kb), "other.zip"))["code"]!);

        // Kept for the retention (7 days by default) after it was uploaded; once expired it no longer counts, before
        // the maintenance job has deleted it.
        server.Clock.Advance(TimeSpan.FromDays(7) + TimeSpan.FromSeconds(1));
        Assert.Equal(0, (int)(await caller.UploadAsync(Zip(600 * Kb), "again.zip"))["code"]!);
    }

    [Theory, SqliteStore, PostgresStore]
    public async Task Uploads_at_once_from_one_account_cannot_pass_its_cap_together(StoreKind kind)
    {
        await using var server = await RetentionServer.StartAsync(kind, settings: OneMbEach);
        var caller = await server.Server.NewCallerAsync();
        // Three of 300 KB fit in 1 MB, a fourth does not.
        var answers = await Task.WhenAll(Enumerable.Range(0, 6).Select(i => caller.UploadAsync(Zip(300 * Kb), $"part{i}.zip")));
        Assert.Equal(3, answers.Count(a => (int)a["code"]! == 0));
        Assert.Equal(3, answers.Count(a => (int)a["code"]! == 1008));
        Assert.Equal(3, await UploadsOfAsync(server.Server, caller.AccountId));
    }

    [Theory, SqliteStore, PostgresStore]
    public async Task An_accounts_own_cap_set_with_the_limits_command_replaces_the_servers_and_0_is_none(StoreKind kind)
    {
        await using var server = await RetentionServer.StartAsync(kind, settings: OneMbEach);
        var caller = await server.Server.NewCallerAsync();
        var settings = new AccountLimitSettings(server.Server.Services.GetRequiredService<Database>());

        await settings.SetAsync(caller.AccountId, new AccountLimitSettings.Change { MaxUploadMb = 0 });
        for (var i = 0; i < 3; i++) Assert.Equal(0, (int)(await caller.UploadAsync(Zip(600 * Kb), $"free{i}.zip"))["code"]!);

        await settings.SetAsync(caller.AccountId, new AccountLimitSettings.Change { MaxUploadMb = 2 });
        var refused = await caller.UploadAsync(Zip(600 * Kb), "over.zip");
        Assert.Equal(1008, (int)refused["code"]!);
        Assert.Contains("this account may keep 2 MB of uploads and keeps 1.76 MB now", (string)refused["message"]!);

        await settings.SetAsync(caller.AccountId, new AccountLimitSettings.Change { ClearMaxUploadMb = true });
        Assert.Contains("may keep 1 MB", (string)(await caller.UploadAsync(Zip(Kb), "tiny.zip"))["message"]!);
    }

    [Fact]
    public async Task The_workflow_apis_upload_over_the_cap_is_809_and_both_api_families_count_against_one_cap()
    {
        await using var server = await TestServer.StartAsync(OneMbEach);
        var caller = await server.NewCallerAsync();
        var v1 = new V1Caller(caller);
        Assert.Equal(0, (int)(await v1.UploadAsync(Zip(600 * Kb), "first.zip"))["code"]!);
        var refused = await v1.UploadAsync(Zip(600 * Kb), "second.zip");
        Assert.Equal(809, (int)refused["code"]!);
        Assert.Contains("does not fit", (string)refused["msg"]!);
        // Both API families count against the one cap.
        Assert.Equal(1008, (int)(await caller.UploadAsync(Zip(600 * Kb), "third.zip"))["code"]!);
    }

    [Fact]
    public async Task An_upload_whose_bytes_could_not_be_stored_does_not_count_against_the_account()
    {
        using var data = new TempDirectory();
        var failing = new FailingOnce(new LocalFileStore(Path.Combine(data.Path, "files")));
        await using var server = await TestServer.StartAsync(OneMbEach, data.Path, s => s.AddSingleton<IFileStore>(failing));
        var caller = await server.NewCallerAsync();
        var failed = await caller.UploadAsync(Zip(600 * Kb), "lost.zip");
        Assert.NotEqual(0, (int)failed["code"]!);
        Assert.Equal(0, await UploadsOfAsync(server, caller.AccountId));
        Assert.Equal(0, (int)(await caller.UploadAsync(Zip(600 * Kb), "kept.zip"))["code"]!);
    }

    [Fact]
    public void The_cap_is_5120_MB_by_default_and_a_negative_one_stops_the_start_naming_the_setting()
    {
        Assert.Equal(5120, new RunHubOptions().Limits.MaxUploadMbPerAccount);
        var options = new RunHubOptions { Limits = new LimitsOptions { MaxUploadMbPerAccount = -1 } };
        var failure = Assert.Single(new RunHubOptionsValidation().Validate(null, options).Failures!);
        Assert.Contains("RunHub:Limits:MaxUploadMbPerAccount (RunHub__Limits__MaxUploadMbPerAccount) is -1", failure);
    }

    private static async Task<long> UploadsOfAsync(TestServer server, string accountId)
    {
        await using var db = await server.Services.GetRequiredService<Database>().OpenAsync();
        return await db.ExecuteScalarAsync<long>("SELECT count(*) FROM uploads WHERE account_id = @accountId", new { accountId });
    }

    /// <summary>The local store, except that its first streamed write fails part-way, as a full disk would, leaving part of the file.</summary>
    private sealed class FailingOnce(IFileStore inner) : IFileStore
    {
        private int _failed;

        private IFileStore Inner => inner;

        public async Task PutAsync(string key, Stream content, CancellationToken cancellationToken)
        {
            if (Interlocked.Exchange(ref _failed, 1) == 1)
            {
                await Inner.PutAsync(key, content, cancellationToken);
                return;
            }
            await Inner.PutAsync(key, new ReadOnlyMemory<byte>(new byte[100]), cancellationToken);
            throw new IOException("No space left on device");
        }

        public Task PutAsync(string key, ReadOnlyMemory<byte> data, CancellationToken cancellationToken) => Inner.PutAsync(key, data, cancellationToken);
        public Task<StoredFile?> OpenReadAsync(string key, CancellationToken cancellationToken) => Inner.OpenReadAsync(key, cancellationToken);
        public Task<long?> LengthAsync(string key, CancellationToken cancellationToken) => Inner.LengthAsync(key, cancellationToken);
        public Task DeleteAsync(string key, CancellationToken cancellationToken) => Inner.DeleteAsync(key, cancellationToken);
    }
}
