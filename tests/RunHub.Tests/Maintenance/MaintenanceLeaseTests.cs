using Microsoft.Extensions.DependencyInjection;
using RunHub.Maintenance;
using RunHub.Tests.Data;
using RunHub.Tests.Engines.Dispatch;
using RunHub.Tests.Support;

namespace RunHub.Tests.Maintenance;

/// <summary>The maintenance job runs on one node at a time, once per interval across the nodes.</summary>
public sealed class MaintenanceLeaseTests
{
    [Theory, SqliteStore, PostgresStore]
    public async Task Of_two_nodes_starting_the_job_at_once_one_runs_it_and_the_next_run_waits_for_the_interval(StoreKind kind)
    {
        using var store = new TestStore(kind);
        var clock = new MovableTime();
        var settings = new Dictionary<string, string?>(store.ServerSettings) { ["Role"] = "api", ["Maintenance:IntervalSeconds"] = "600" };
        await using var first = await TestServer.StartAsync(settings, store.DataDir, s => s.AddSingleton<TimeProvider>(clock));
        await using var second = await TestServer.StartAsync(settings, store.DataDir, s => s.AddSingleton<TimeProvider>(clock));
        var jobs = new[] { first, second }.Select(s => s.Services.GetRequiredService<MaintenanceJob>()).ToArray();

        var runs = await Task.WhenAll(jobs.Select(j => j.RunOnceAsync()));
        Assert.Single(runs, r => r is not null);
        Assert.All(await Task.WhenAll(jobs.Select(j => j.RunOnceAsync())), Assert.Null);

        clock.Advance(TimeSpan.FromSeconds(601));
        Assert.Single(await Task.WhenAll(jobs.Select(j => j.RunOnceAsync())), r => r is not null);
    }

    [Theory, SqliteStore, PostgresStore]
    public async Task A_lease_held_by_a_node_that_died_passes_to_another_when_it_lapses(StoreKind kind)
    {
        using var store = new TestStore(kind);
        var clock = new MovableTime();
        var dead = new MaintenanceLease(store.OpenNode(), clock);
        var alive = new MaintenanceLease(store.OpenNode(), clock);

        Assert.True(await dead.TryTakeAsync("dead node", TimeSpan.FromMinutes(5), default));
        Assert.False(await alive.TryTakeAsync("live node", TimeSpan.FromMinutes(5), default));
        clock.Advance(TimeSpan.FromMinutes(5));

        Assert.True(await alive.TryTakeAsync("live node", TimeSpan.FromMinutes(5), default));
        Assert.False(await dead.RenewAsync("dead node", TimeSpan.FromMinutes(5), default));
        Assert.True(await alive.RenewAsync("live node", TimeSpan.FromMinutes(5), default));
    }
}
