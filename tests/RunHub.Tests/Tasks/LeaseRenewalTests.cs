using Dapper;
using Microsoft.Extensions.DependencyInjection;
using RunHub.Data;
using RunHub.Engines;
using RunHub.Tasks;
using RunHub.Tests.Data;
using RunHub.Tests.Engines.Dispatch;
using RunHub.Tests.Support;

namespace RunHub.Tests.Tasks;

/// <summary>
/// A run longer than its lease keeps it by renewal: on the one clock (a fake one here), each renewal is awaited before
/// the clock moves on, so the test never depends on how fast the machine is.
/// </summary>
public sealed class LeaseRenewalTests
{
    [Theory, SqliteStore, PostgresStore]
    public async Task A_task_running_three_times_longer_than_its_lease_keeps_it_by_renewal_and_runs_once(StoreKind kind)
    {
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var engine = new ScriptedEngine().Then("http://a", async (_, _) =>
        {
            started.TrySetResult();
            await release.Task;
            return ScriptedEngine.Success();
        });
        await using var run = await DeadlineServer.StartAsync(kind, engine, new() { ["Queue:LeaseSeconds"] = "1" });
        var (caller, taskId) = await run.SubmitAsync();
        await started.Task.WaitAsync(TimeSpan.FromSeconds(30));
        var charged = await caller.BalanceAsync();

        var lease = TimeSpan.FromSeconds(1);
        var interval = TaskRunner.RenewalInterval(lease);
        var database = run.Server.Services.GetRequiredService<Database>();
        for (var moved = TimeSpan.Zero; moved < 3 * lease; moved += interval)
        {
            run.Clock.Advance(interval);
            // The renewal this tick starts: the lease then runs a whole lease from the clock's new time.
            var renewedTo = run.Clock.GetUtcNow().ToUnixTimeMilliseconds() + (long)lease.TotalMilliseconds;
            await Poll.UntilAsync(async () => await LeaseExpiresAtAsync(database, taskId) >= renewedTo, "the lease's renewal",
                TimeSpan.FromSeconds(30), TimeSpan.FromMilliseconds(10));
        }
        release.SetResult();
        var done = await caller.WaitAsync(taskId);

        Assert.Equal("SUCCESS", (string)done["status"]!);
        Assert.Equal(["http://a"], engine.Runs);
        await using (var db = await database.OpenAsync())
            Assert.Equal(1, await db.ExecuteScalarAsync<long>("SELECT attempts FROM tasks WHERE id = @taskId", new { taskId }));
        Assert.Equal(charged, await caller.BalanceAsync());
    }

    private static async Task<long> LeaseExpiresAtAsync(Database database, string taskId)
    {
        await using var db = await database.OpenAsync();
        return await db.ExecuteScalarAsync<long?>("SELECT lease_expires_at FROM tasks WHERE id = @taskId", new { taskId }) ?? 0;
    }
}
