using Dapper;
using Microsoft.Extensions.DependencyInjection;
using RunHub.Data;
using RunHub.Tests.Support;

namespace RunHub.Tests.Data;

/// <summary>
/// LISTEN/NOTIFY: a task submitted on one node wakes the idle workers of another at once. The worker node here
/// polls only every ten minutes, so a task it runs within the test's wait can only have been announced to it.
/// </summary>
public sealed class QueueWakeupTests
{
    private const string Model = "rhart-image-g-1.5/text-to-image";

    [PostgresFact]
    public async Task A_task_submitted_on_another_node_wakes_an_idle_worker_without_waiting_for_the_poll()
    {
        using var store = new TestStore(StoreKind.Postgres);
        await using var worker = await StartWorkerAsync(store);
        await using var api = await TestServer.StartAsync(new Dictionary<string, string?>(store.ServerSettings) { ["Role"] = "api" }, store.DataDir);
        await worker.Services.GetRequiredService<PostgresQueueListener>().Listening;

        var caller = await api.NewCallerAsync(balance: 1m);
        for (var i = 0; i < 3; i++)
        {
            var submitted = await caller.SubmitAsync(Model, new { prompt = "wake the worker " + i, aspectRatio = "1:1" });
            var done = await caller.WaitAsync((string)submitted["taskId"]!, TimeSpan.FromSeconds(30));
            Assert.Equal("SUCCESS", (string)done["status"]!);
        }
    }

    [PostgresFact]
    public async Task The_listener_reconnects_when_its_connection_is_cut_and_wakes_workers_again()
    {
        using var store = new TestStore(StoreKind.Postgres);
        await using var worker = await StartWorkerAsync(store);
        await using var api = await TestServer.StartAsync(new Dictionary<string, string?>(store.ServerSettings) { ["Role"] = "api" }, store.DataDir);
        var postgres = worker.Services.GetRequiredService<PostgresDatabase>();
        await worker.Services.GetRequiredService<PostgresQueueListener>().Listening;

        using var db = store.Database.Open();
        var cut = db.Query<int>("SELECT pid FROM pg_stat_activity WHERE application_name = @ListenerName", postgres).ToList();
        Assert.Single(cut);
        Assert.True(db.ExecuteScalar<bool>("SELECT pg_terminate_backend(@pid)", new { pid = cut[0] }));
        await Poll.UntilAsync(() => Task.FromResult(db.Query<int>(
                "SELECT pid FROM pg_stat_activity WHERE application_name = @ListenerName AND query LIKE 'LISTEN%'", postgres).Any(pid => pid != cut[0])),
            "the listener to connect again", TimeSpan.FromSeconds(30));

        var caller = await api.NewCallerAsync(balance: 1m);
        var submitted = await caller.SubmitAsync(Model, new { prompt = "after the reconnect", aspectRatio = "1:1" });
        var done = await caller.WaitAsync((string)submitted["taskId"]!, TimeSpan.FromSeconds(30));
        Assert.Equal("SUCCESS", (string)done["status"]!);
    }

    private static Task<TestServer> StartWorkerAsync(TestStore store) =>
        TestServer.StartAsync(new Dictionary<string, string?>(store.ServerSettings)
        {
            ["Role"] = "worker",
            ["Queue:PollMilliseconds"] = "600000",
        }, store.DataDir);
}
