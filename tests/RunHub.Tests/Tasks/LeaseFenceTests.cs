using Dapper;
using Microsoft.Extensions.DependencyInjection;
using RunHub.Data;
using RunHub.Engines;
using RunHub.Files;
using RunHub.Tasks;
using RunHub.Tests.Engines.Dispatch;
using RunHub.Tests.Support;

namespace RunHub.Tests.Tasks;

/// <summary>A run that lost its lease — even to another worker loop of the same process — can change nothing.</summary>
public sealed class LeaseFenceTests
{
    [Fact]
    public async Task A_run_whose_lease_lapsed_and_was_claimed_again_in_the_same_process_is_cancelled_and_writes_nothing()
    {
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var engine = new ScriptedEngine().Then("http://a", async (job, cancellationToken) =>
        {
            job.Progress?.Report(new EngineProgress(40, "KSampler", null));
            started.TrySetResult();
            await Task.Delay(Timeout.Infinite, cancellationToken);
            throw new InvalidOperationException("unreachable");
        });
        // An API-only node: no worker loops of its own, so this test plays two loops of one process.
        await using var run = await DispatchServer.StartAsync(engine, ["http://a"],
            settings: new Dictionary<string, string?> { ["Role"] = "api" });
        var (caller, taskId) = await run.SubmitAsync();
        var queue = run.Server.Services.GetRequiredService<TaskQueue>();
        var runner = run.Server.Services.GetRequiredService<TaskRunner>();
        var database = run.Server.Services.GetRequiredService<Database>();

        // The first loop claims the task; its lease lapses (a stalled renewal) and a second loop claims it again.
        var first = (await queue.ClaimAsync("this-process", TimeSpan.FromMilliseconds(600)))!;
        using (var db = database.Open()) db.Execute("UPDATE tasks SET lease_expires_at = 0 WHERE id = @taskId", new { taskId });
        var second = (await queue.ClaimAsync("this-process", TimeSpan.FromMinutes(5)))!;
        Assert.Equal(taskId, second.Task.Id);

        // The first run goes on: its engine call starts, reports progress, and is cancelled at the next renewal.
        await runner.RunAsync(first, CancellationToken.None);

        Assert.True(started.Task.IsCompleted);
        Assert.Equal(["http://a"], engine.Cancelled);
        Assert.Equal(LeaseState.Lost, await first.RenewAsync());
        Assert.Null(await first.FinishAsync(new RunOutcome.Succeeded("[]", null)));
        var task = (await queue.FindAsync(caller.AccountId, taskId))!;
        Assert.Equal((TaskStatuses.Running, null, 2L), (task.Status, task.Progress, task.Attempts));
        Assert.Equal(0.97m, await caller.BalanceAsync());

        // The current claim still holds the task and is the only one that can end it.
        await runner.RunAsync(second, CancellationToken.None);
        var done = await caller.QueryAsync(taskId);
        Assert.Equal("SUCCESS", (string)done["status"]!);
        Assert.Equal(["http://a", "http://a"], engine.Runs);
        using var check = database.Open();
        Assert.Equal(["reserve", "settle"], check.Query<string>("SELECT kind FROM ledger WHERE task_id = @taskId ORDER BY id", new { taskId }).ToList());
        Assert.Equal(0.97m, await caller.BalanceAsync());
    }

    [Fact]
    public async Task A_cancellation_nobody_asked_for_from_the_storage_sdk_fails_the_task_with_1005_and_a_refund_instead_of_a_rerun()
    {
        // What an SDK throws when its own timeout passes: a TaskCanceledException whose token is none of RunHub's.
        var files = new TimingOutResults();
        await using var server = await TestServer.StartAsync(configureServices: s => s.AddSingleton<IFileStore>(files));
        var caller = await server.NewCallerAsync(balance: 1m);
        var submitted = await caller.SubmitAsync("rhart-image-g-1.5/text-to-image", new { prompt = "stored nowhere", aspectRatio = "1:1" });

        var done = await caller.WaitAsync((string)submitted["taskId"]!);

        Assert.Equal(("FAILED", "1005"), ((string)done["status"]!, (string)done["errorCode"]!));
        Assert.Equal(1, files.ResultWrites);
        Assert.Equal(1m, await caller.BalanceAsync());
    }

    /// <summary>A file store whose result writes time out inside its SDK.</summary>
    private sealed class TimingOutResults : IFileStore
    {
        private int _resultWrites;

        public int ResultWrites => _resultWrites;

        public Task PutAsync(string key, ReadOnlyMemory<byte> data, CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref _resultWrites);
            throw new TaskCanceledException("The request was canceled due to the configured HttpClient.Timeout of 100 seconds elapsing.");
        }

        public Task PutAsync(string key, Stream content, CancellationToken cancellationToken) => PutAsync(key, ReadOnlyMemory<byte>.Empty, cancellationToken);

        public Task<StoredFile?> OpenReadAsync(string key, CancellationToken cancellationToken) => Task.FromResult<StoredFile?>(null);

        public Task<long?> LengthAsync(string key, CancellationToken cancellationToken) => Task.FromResult<long?>(null);

        public Task DeleteAsync(string key, CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
