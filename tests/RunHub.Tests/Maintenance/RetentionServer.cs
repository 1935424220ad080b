using System.Net;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using RunHub.Maintenance;
using RunHub.Tests.Data;
using RunHub.Tests.Engines.Dispatch;
using RunHub.Tests.Support;

namespace RunHub.Tests.Maintenance;

/// <summary>
/// The real server on a <see cref="TestStore"/> of one kind, with local or S3 files and a clock the test moves
/// (timers stay real, so the maintenance loop never fires on its own within a test: runs are made explicitly).
/// </summary>
public sealed class RetentionServer : IAsyncDisposable
{
    private RetentionServer(TestStore store, TestServer server, MovableTime clock)
    {
        Store = store;
        Server = server;
        Clock = clock;
    }

    public TestStore Store { get; }
    public TestServer Server { get; }
    public MovableTime Clock { get; }

    public static async Task<RetentionServer> StartAsync(StoreKind kind, bool s3 = false, IDictionary<string, string?>? settings = null)
    {
        var store = new TestStore(kind);
        var all = new Dictionary<string, string?>(store.ServerSettings) { ["Maintenance:IntervalSeconds"] = "3600" };
        if (s3) foreach (var (key, value) in TestS3.ServerSettings()) all[key] = value;
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>()) all[key] = value;
        var clock = new MovableTime();
        var server = await TestServer.StartAsync(all, store.DataDir, s => s.AddSingleton<TimeProvider>(clock));
        return new RetentionServer(store, server, clock);
    }

    /// <summary>One run of the maintenance job, which must get the lease.</summary>
    public async Task<MaintenanceRun> RunMaintenanceAsync()
    {
        var run = await Server.Services.GetRequiredService<MaintenanceJob>().RunOnceAsync();
        Assert.NotNull(run);
        return run;
    }

    /// <summary>A finished sandbox task of <paramref name="caller"/>: its id and its result file's URL.</summary>
    public static async Task<(string TaskId, string Url)> FinishedTaskAsync(ApiCaller caller)
    {
        var submitted = await caller.SubmitAsync("rhart-image-g-1.5/text-to-image", new { prompt = "a lighthouse kept for a while", aspectRatio = "1:1" });
        var done = await caller.WaitAsync((string)submitted["taskId"]!);
        Assert.Equal("SUCCESS", (string)done["status"]!);
        return ((string)done["taskId"]!, (string)done["results"]![0]!["url"]!);
    }

    /// <summary>Uploads a small picture (every upload gets a name of its own).</summary>
    public static async Task<string> UploadAsync(ApiCaller caller)
    {
        var uploaded = await caller.UploadAsync(TestImages.Png(8, 8), "picture.png", "image/png");
        Assert.Equal(0, (int)uploaded["code"]!);
        return (string)uploaded["data"]!["download_url"]!;
    }

    /// <summary>GET of a file URL: its status and, for a 404, the JSON reason.</summary>
    public async Task<(HttpStatusCode Status, JsonObject? Reason)> GetAsync(string url)
    {
        using var response = await Server.Http.GetAsync(url);
        if (response.StatusCode != HttpStatusCode.NotFound) return (response.StatusCode, null);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        return (response.StatusCode, JsonNode.Parse(await response.Content.ReadAsStringAsync()) as JsonObject);
    }

    public async ValueTask DisposeAsync()
    {
        await Server.DisposeAsync();
        Store.Dispose();
    }
}
