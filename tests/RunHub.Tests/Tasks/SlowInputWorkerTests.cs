using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using RunHub.Tasks;
using RunHub.Tests.Media.Support;
using RunHub.Tests.Support;

namespace RunHub.Tests.Tasks;

/// <summary>
/// A task waiting on a slow input holds no engine slot (issue 11 item 5): with one engine slot, a task whose input
/// server has not answered yet does not stop another task from running; when the fetch then fails, what it cost is
/// recorded against the account that sent it.
/// </summary>
public sealed class SlowInputWorkerTests
{
    [Fact]
    public async Task A_task_fetching_a_slow_input_leaves_the_only_engine_slot_to_other_tasks_and_its_failure_is_counted()
    {
        var asked = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var answer = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var slowInput = await LoopbackServer.StartAsync(async context =>
        {
            asked.TrySetResult();
            await answer.Task;
            context.Response.StatusCode = StatusCodes.Status404NotFound;
        });
        await using var server = await TestServer.StartAsync(new Dictionary<string, string?>
        {
            ["Queue:Workers"] = "1",
            ["Queue:FetchingTasks"] = "1",
            ["Media:AllowPrivateNetworks"] = "true",
        });
        var caller = await server.NewCallerAsync(balance: 1m);

        var slow = (string)(await caller.SubmitAsync("rhart-image-g-1.5/edit",
            new { prompt = "waits on a slow server", imageUrls = new[] { slowInput.Url("/photo.png") }, aspectRatio = "1:1" }))["taskId"]!;
        await asked.Task.WaitAsync(TimeSpan.FromSeconds(30));
        var quick = (string)(await caller.SubmitAsync("rhart-image-g-1.5/text-to-image", new { prompt = "needs no input", aspectRatio = "1:1" }))["taskId"]!;

        Assert.Equal("SUCCESS", (string)(await caller.WaitAsync(quick, TimeSpan.FromSeconds(30)))["status"]!);
        Assert.Equal("RUNNING", (string)(await caller.QueryAsync(slow))["status"]!);

        answer.SetResult();
        var failed = await caller.WaitAsync(slow, TimeSpan.FromSeconds(30));
        Assert.Equal(("FAILED", "1013"), ((string)failed["status"]!, (string)failed["errorCode"]!));
        var cost = await server.Services.GetRequiredService<FailedFetches>().CostSinceAsync(caller.AccountId, DateTimeOffset.UnixEpoch);
        Assert.Equal(1, cost.Count);
        Assert.Equal(0.97m, await caller.BalanceAsync());
    }
}
