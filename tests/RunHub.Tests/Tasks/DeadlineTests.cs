using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using RunHub.Engines;
using RunHub.Maintenance;
using RunHub.Tasks;
using RunHub.Tests.Data;
using RunHub.Tests.Engines.Dispatch;
using RunHub.Tests.Support;
using RunHub.Tests.Webhooks;

namespace RunHub.Tests.Tasks;

/// <summary>
/// A task's start deadline (submit to first start) and run deadline (the model's timeoutSeconds, from the first start):
/// either fails it with 1006 and releases its charge. The clock is a <see cref="FakeTimeProvider"/>: deadlines are
/// passed by moving it, never waited for.
/// </summary>
public sealed class DeadlineTests
{
    private const int ModelTimeoutSeconds = 20;

    [Theory, SqliteStore, PostgresStore]
    public async Task A_running_task_past_its_deadline_is_stopped_on_its_backend_and_fails_1006_with_a_refund(StoreKind kind)
    {
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var engine = new ScriptedEngine().Then("http://a", async (job, ct) =>
        {
            started.TrySetResult();
            return await ScriptedEngine.Hang(job, ct);
        });
        await using var run = await DeadlineServer.StartAsync(kind, engine);
        var (caller, taskId) = await run.SubmitAsync();
        await started.Task.WaitAsync(TimeSpan.FromSeconds(30));

        run.Clock.Advance(TimeSpan.FromSeconds(ModelTimeoutSeconds - 1));
        Assert.Equal("RUNNING", (string)(await caller.QueryAsync(taskId))["status"]!);
        run.Clock.Advance(TimeSpan.FromSeconds(2));
        var done = await caller.WaitAsync(taskId);

        Assert.Equal(("FAILED", "1006"), ((string)done["status"]!, (string)done["errorCode"]!));
        Assert.Contains($"deadline of {ModelTimeoutSeconds} s", (string)done["errorMessage"]!);
        Assert.Equal(["http://a"], engine.Cancelled);
        Assert.Equal(1m, await caller.BalanceAsync());
    }

    [Fact]
    public async Task An_engine_that_ignores_the_stop_still_ends_the_task_at_its_deadline()
    {
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var never = new TaskCompletionSource<EngineOutput>();
        var engine = new ScriptedEngine().Then("http://a", (_, _) =>
        {
            started.TrySetResult();
            return never.Task;
        });
        await using var run = await DeadlineServer.StartAsync(StoreKind.Sqlite, engine);
        var (caller, taskId) = await run.SubmitAsync();
        await started.Task.WaitAsync(TimeSpan.FromSeconds(30));

        // Past the deadline the engine is told to stop and gets a grace of 30 s on the same clock; the clock is moved
        // past the grace only once the runner waits for it.
        var grace = run.Clock.TimerCreatedAsync(TaskDeadlines.StopGrace);
        run.Clock.Advance(TimeSpan.FromSeconds(ModelTimeoutSeconds + 1));
        await grace;
        Assert.Equal("RUNNING", (string)(await caller.QueryAsync(taskId))["status"]!);
        run.Clock.Advance(TaskDeadlines.StopGrace);
        var task = await caller.WaitAsync(taskId);

        Assert.Equal(("FAILED", "1006"), ((string)task["status"]!, (string)task["errorCode"]!));
        Assert.Equal(1m, await caller.BalanceAsync());
    }

    [Theory, SqliteStore, PostgresStore]
    public async Task A_task_no_worker_started_within_its_start_deadline_fails_1006_with_a_refund(StoreKind kind)
    {
        // An API node only: nothing runs tasks, so the task waits in the queue.
        await using var run = await DeadlineServer.StartAsync(kind, new ScriptedEngine(), new() { ["Role"] = "api" });
        var (caller, overdue) = await run.SubmitAsync();
        run.Clock.Advance(TimeSpan.FromSeconds(590));
        var (_, waiting) = await run.SubmitAsync(caller);
        Assert.Equal(0.94m, await caller.BalanceAsync());

        run.Clock.Advance(TimeSpan.FromSeconds(11));
        var sweep = await run.Server.Services.GetRequiredService<MaintenanceJob>().RunOnceAsync();

        Assert.Equal(1, sweep!.OverdueTasks);
        var failed = await caller.QueryAsync(overdue);
        Assert.Equal(("FAILED", "1006"), ((string)failed["status"]!, (string)failed["errorCode"]!));
        Assert.Contains("start deadline of 600 s", (string)failed["errorMessage"]!);
        Assert.Equal("QUEUED", (string)(await caller.QueryAsync(waiting))["status"]!);
        Assert.Equal(0.97m, await caller.BalanceAsync());
    }

    [Theory, SqliteStore, PostgresStore]
    public async Task A_task_failed_by_the_start_deadline_sweep_posts_its_TASK_END_webhook(StoreKind kind)
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        await using var run = await DeadlineServer.StartAsync(kind, new ScriptedEngine(), new()
        {
            ["Role"] = "api",
            ["Media:AllowPrivateNetworks"] = "true",
            ["Webhooks:PollMilliseconds"] = "50",
        });
        var (caller, taskId) = await run.SubmitAsync(webhookUrl: receiver.Url);
        run.Clock.Advance(TimeSpan.FromSeconds(601));

        var sweep = await run.Server.Services.GetRequiredService<MaintenanceJob>().RunOnceAsync();
        Assert.Equal(1, sweep!.OverdueTasks);
        var received = await receiver.NextAsync();

        var body = JsonNode.Parse(received.Body)!.AsObject();
        Assert.Equal(("TASK_END", taskId), ((string)body["event"]!, (string)body["taskId"]!));
        var eventData = JsonNode.Parse((string)body["eventData"]!)!.AsObject();
        Assert.Equal(("FAILED", "1006"), ((string)eventData["status"]!, (string)eventData["errorCode"]!));
        Assert.Contains("start deadline of 600 s", (string)eventData["errorMessage"]!);
        Assert.Equal(1m, await caller.BalanceAsync());
    }

    [Theory, SqliteStore, PostgresStore]
    public async Task A_worker_that_claims_a_task_past_its_start_deadline_fails_it_1006_without_running_it(StoreKind kind)
    {
        var engine = new ScriptedEngine();
        await using var api = await DeadlineServer.StartAsync(kind, engine, new() { ["Role"] = "api" });
        var (caller, taskId) = await api.SubmitAsync();
        api.Clock.Advance(TimeSpan.FromSeconds(601));

        // A worker node comes up after the deadline, before any maintenance run: it must not start the task.
        await api.StartAnotherNodeAsync(new() { ["Role"] = "worker" });
        var done = await caller.WaitAsync(taskId);

        Assert.Equal(("FAILED", "1006"), ((string)done["status"]!, (string)done["errorCode"]!));
        Assert.Empty(engine.Runs);
        Assert.Equal(1m, await caller.BalanceAsync());
    }
}

/// <summary>The real server with a <see cref="ScriptedEngine"/> model (a 20 s deadline), a 600 s start deadline and a fake clock.</summary>
internal sealed class DeadlineServer : IAsyncDisposable
{
    private readonly TempDirectory _catalog;
    private readonly TestStore _store;
    private readonly ScriptedEngine _engine;
    private readonly List<TestServer> _others = [];

    private DeadlineServer(TempDirectory catalog, TestStore store, ScriptedEngine engine, TestServer server, WatchedClock clock)
    {
        _catalog = catalog;
        _store = store;
        _engine = engine;
        Server = server;
        Clock = clock;
    }

    public TestServer Server { get; }
    public WatchedClock Clock { get; }

    public static async Task<DeadlineServer> StartAsync(StoreKind kind, ScriptedEngine engine, Dictionary<string, string?>? settings = null)
    {
        var catalog = DispatchCatalog.Write(20, "http://a");
        var store = new TestStore(kind);
        var clock = new WatchedClock(DateTimeOffset.UtcNow);
        var server = await StartNodeAsync(catalog, store, engine, clock, settings);
        return new DeadlineServer(catalog, store, engine, server, clock);
    }

    /// <summary>Another node on the same store, catalog, engine and clock.</summary>
    public async Task<TestServer> StartAnotherNodeAsync(Dictionary<string, string?> settings)
    {
        var node = await StartNodeAsync(_catalog, _store, _engine, Clock, settings);
        _others.Add(node);
        return node;
    }

    private static Task<TestServer> StartNodeAsync(TempDirectory catalog, TestStore store, ScriptedEngine engine, WatchedClock clock,
        Dictionary<string, string?>? settings)
    {
        var all = new Dictionary<string, string?>(store.ServerSettings)
        {
            ["CatalogDir"] = catalog.Path,
            ["Queue:StartDeadlineSeconds"] = "600",
            // Moving the clock must not let leases lapse or the maintenance loop run on its own.
            ["Queue:LeaseSeconds"] = "86400",
            ["Maintenance:IntervalSeconds"] = "86400",
        };
        foreach (var (key, value) in settings ?? []) all[key] = value;
        return TestServer.StartAsync(all, store.DataDir, s =>
        {
            s.AddSingleton<IEngine>(engine);
            s.AddSingleton<TimeProvider>(clock);
        });
    }

    /// <summary>Submits a task as <paramref name="caller"/>, or as a new account with 1 CNY; with a webhook URL when given.</summary>
    public async Task<(ApiCaller Caller, string TaskId)> SubmitAsync(ApiCaller? caller = null, string? webhookUrl = null)
    {
        caller ??= await Server.NewCallerAsync(1m);
        var submitted = await caller.SubmitAsync(DispatchCatalog.Endpoint, new { prompt = "a scripted picture", aspectRatio = "1:1", webhookUrl });
        Assert.Equal("", (string)submitted["errorCode"]!);
        return (caller, (string)submitted["taskId"]!);
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var other in _others) await other.DisposeAsync();
        await Server.DisposeAsync();
        _store.Dispose();
        _catalog.Dispose();
    }
}
