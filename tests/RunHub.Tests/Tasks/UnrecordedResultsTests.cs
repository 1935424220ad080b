using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using RunHub.Engines;
using RunHub.Files;
using RunHub.Tasks;
using RunHub.Tests.Data;
using RunHub.Tests.Engines.Dispatch;
using RunHub.Tests.Support;

namespace RunHub.Tests.Tasks;

/// <summary>
/// A run's result files that no task will name are deleted, not left on the disk for good: a cancel that came before the
/// end was recorded, a lease that passed to another worker, a store that failed part-way. The clock is the test's and
/// never moved, so no lease renewal notices anything during a run.
/// </summary>
public sealed class UnrecordedResultsTests
{
    [Fact]
    public async Task A_cancel_that_comes_while_a_successful_run_ends_leaves_no_result_file()
    {
        var engine = new ScriptedEngine().Then("http://a", (_, _) => Task.FromResult(ScriptedEngine.Success()));
        await using var run = await DeadlineServer.StartAsync(StoreKind.Sqlite, engine, new() { ["Role"] = "api" });
        var (caller, taskId) = await run.SubmitAsync();
        var lease = (await run.Server.Services.GetRequiredService<TaskQueue>().ClaimAsync("this-process", TimeSpan.FromMinutes(5)))!;
        var cancel = await caller.PostAsync("/openapi/v2/cancel", JsonSerializer.Serialize(new { taskId }));
        Assert.Equal(("RUNNING", ""), ((string)cancel["status"]!, (string)cancel["errorCode"]!));

        await run.Server.Services.GetRequiredService<TaskRunner>().RunAsync(lease, CancellationToken.None);

        Assert.Equal(["http://a"], engine.Runs);
        Assert.Equal("CANCEL", (string)(await caller.QueryAsync(taskId))["status"]!);
        Assert.Empty(ResultFiles(run.Server));
        Assert.Equal(1m, await caller.BalanceAsync());
    }

    [Fact]
    public async Task A_run_that_lost_its_lease_deletes_its_result_files_and_the_run_that_ends_the_task_keeps_its_own()
    {
        var engine = new ScriptedEngine()
            .Then("http://a", (_, _) => Task.FromResult(ScriptedEngine.Success()))
            .Then("http://a", (_, _) => Task.FromResult(ScriptedEngine.Success()));
        await using var run = await DeadlineServer.StartAsync(StoreKind.Sqlite, engine, new() { ["Role"] = "api" });
        var (caller, taskId) = await run.SubmitAsync();
        var queue = run.Server.Services.GetRequiredService<TaskQueue>();
        var runner = run.Server.Services.GetRequiredService<TaskRunner>();

        // The first claim lapses (a stalled node), a second claims the task, then the first run goes on to its end.
        // (The model may run 20 s from the first start: the second run has 13 s left.)
        var first = (await queue.ClaimAsync("stalled", TimeSpan.FromSeconds(6)))!;
        run.Clock.Advance(TimeSpan.FromSeconds(7));
        var second = (await queue.ClaimAsync("this-process", TimeSpan.FromMinutes(5)))!;
        await runner.RunAsync(first, CancellationToken.None);
        Assert.Empty(ResultFiles(run.Server));

        await runner.RunAsync(second, CancellationToken.None);
        var done = await caller.QueryAsync(taskId);
        Assert.Equal("SUCCESS", (string)done["status"]!);
        var kept = Assert.Single(ResultFiles(run.Server));
        Assert.EndsWith(new Uri((string)done["results"]![0]!["url"]!).AbsolutePath.Split("/files/")[1], kept.Replace('\\', '/'));
    }

    [Fact]
    public async Task A_run_whose_second_result_file_cannot_be_stored_fails_1005_and_deletes_the_first()
    {
        var engine = new ScriptedEngine().Then("http://a", (_, _) =>
            Task.FromResult(new EngineOutput([new OutputFile("png", ScriptedEngine.Png), new OutputFile("png", ScriptedEngine.Png)])));
        using var catalog = DispatchCatalog.Write(20, "http://a");
        using var data = new TempDirectory();
        var files = new FailingSecondResult(new LocalFileStore(Path.Combine(data.Path, "files")));
        await using var server = await TestServer.StartAsync(new Dictionary<string, string?> { ["CatalogDir"] = catalog.Path }, data.Path, s =>
        {
            s.AddSingleton<IEngine>(engine);
            s.AddSingleton<IFileStore>(files);
        });
        var caller = await server.NewCallerAsync(1m);
        var submitted = await caller.SubmitAsync(DispatchCatalog.Endpoint, new { prompt = "two pictures", aspectRatio = "1:1" });

        var done = await caller.WaitAsync((string)submitted["taskId"]!);

        Assert.Equal(("FAILED", "1005"), ((string)done["status"]!, (string)done["errorCode"]!));
        Assert.Equal(1, files.FirstResultsStored);
        Assert.Empty(ResultFiles(server));
        Assert.Equal(1m, await caller.BalanceAsync());
    }

    private static string[] ResultFiles(TestServer server)
    {
        var results = Path.Combine(server.DataDir, "files", "results");
        return Directory.Exists(results) ? Directory.GetFiles(results, "*", SearchOption.AllDirectories) : [];
    }

    /// <summary>The local store, except that writing a run's second result file fails, as a full disk would.</summary>
    private sealed class FailingSecondResult(IFileStore inner) : IFileStore
    {
        public int FirstResultsStored;

        public async Task PutAsync(string key, ReadOnlyMemory<byte> data, CancellationToken cancellationToken)
        {
            if (key.StartsWith("results/", StringComparison.Ordinal) && key.EndsWith("/1.png", StringComparison.Ordinal))
                throw new IOException("No space left on device");
            await inner.PutAsync(key, data, cancellationToken);
            if (key.StartsWith("results/", StringComparison.Ordinal)) Interlocked.Increment(ref FirstResultsStored);
        }

        public Task PutAsync(string key, Stream content, CancellationToken cancellationToken) => inner.PutAsync(key, content, cancellationToken);
        public Task<StoredFile?> OpenReadAsync(string key, CancellationToken cancellationToken) => inner.OpenReadAsync(key, cancellationToken);
        public Task<long?> LengthAsync(string key, CancellationToken cancellationToken) => inner.LengthAsync(key, cancellationToken);
        public Task DeleteAsync(string key, CancellationToken cancellationToken) => inner.DeleteAsync(key, cancellationToken);
    }
}
