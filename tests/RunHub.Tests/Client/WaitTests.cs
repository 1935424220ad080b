using RunHub.Client;
using RunHub.Tests.Client.Support;
using RunHub.Tests.Support;

namespace RunHub.Tests.Client;

/// <summary>Waiting for a slow task: deadlines that can be resumed, cancellation, progress.</summary>
public sealed class WaitTests : IAsyncLifetime
{
    private const string TextToImage = "rhart-image-g-1.5/text-to-image";
    private TestServer _server = null!;

    public async Task InitializeAsync() => _server = await TestServer.StartAsync(new Dictionary<string, string?> { ["Engines:Sandbox:DelayMs"] = "3000" });

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task A_wait_past_its_deadline_throws_a_timeout_carrying_the_task_id_and_a_later_wait_finishes_the_task()
    {
        var caller = await _server.NewCallerAsync(balance: 1m);
        using var client = Clients.For(_server, caller);

        var timeout = await Assert.ThrowsAsync<RunHubTimeoutException>(() => client.RunAsync(TextToImage,
            new { prompt = "slower than the client's patience", aspectRatio = "1:1" },
            wait: new WaitOptions { Timeout = TimeSpan.FromMilliseconds(300) }));

        Assert.NotNull(timeout.TaskId);
        Assert.Equal(RunHubErrorCodes.WaitTimeout, timeout.ErrorCode);
        Assert.True(timeout.IsRetryable);
        Assert.True(timeout.TaskState is null || !timeout.TaskState.IsTerminal);
        var done = await client.WaitAsync(timeout.TaskId);
        Assert.True(done.IsSuccess);
        Assert.Equal(0.97m, (await client.GetAccountStatusAsync()).RemainMoney);
    }

    [Fact]
    public async Task Cancelling_a_wait_throws_OperationCanceledException_and_the_task_goes_on()
    {
        var caller = await _server.NewCallerAsync(balance: 1m);
        using var client = Clients.For(_server, caller);
        var task = await client.SubmitAsync(TextToImage, new { prompt = "nobody waits for me", aspectRatio = "1:1" });
        using var cancel = new CancellationTokenSource(TimeSpan.FromMilliseconds(200));

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => client.WaitAsync(task.TaskId, cancellationToken: cancel.Token));

        Assert.True((await client.WaitAsync(task.TaskId)).IsSuccess);
    }

    [Fact]
    public async Task A_cancelled_run_stops_before_submitting_and_charges_nothing()
    {
        var caller = await _server.NewCallerAsync(balance: 1m);
        using var client = Clients.For(_server, caller);
        using var cancel = new CancellationTokenSource();
        cancel.Cancel();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() =>
            client.RunAsync(TextToImage, new { prompt = "never sent at all", aspectRatio = "1:1" }, cancellationToken: cancel.Token));

        Assert.Equal(1m, (await client.GetAccountStatusAsync()).RemainMoney);
    }

    [Fact]
    public async Task Progress_is_reported_when_the_status_changes_and_ends_with_success()
    {
        var caller = await _server.NewCallerAsync();
        using var client = Clients.For(_server, caller);
        var updates = new List<TaskUpdate>();

        var done = await client.RunAsync(TextToImage, new { prompt = "tell me how it goes", aspectRatio = "1:1" },
            progress: new SynchronousProgress<TaskUpdate>(updates.Add));

        Assert.True(updates.Count >= 2, $"expected a running and a final update, got {updates.Count}");
        Assert.Equal(RunHubTaskStatus.Success, updates[^1].Status);
        Assert.Same(done, updates[^1].Task);
        Assert.All(updates, u => Assert.Equal(done.TaskId, u.TaskId));
        // Only changes are reported: no two updates in a row with the same status and progress (the sandbox's delay
        // reports its progress as it goes).
        Assert.All(updates.Zip(updates.Skip(1)), pair => Assert.NotEqual((pair.First.Status, pair.First.Progress), (pair.Second.Status, pair.Second.Progress)));
        Assert.Contains(updates, u => u.Status == RunHubTaskStatus.Running);
        Assert.Equal(updates.Select(u => u.Elapsed).Order(), updates.Select(u => u.Elapsed));
    }

    /// <summary><see cref="Progress{T}"/> posts to the thread pool; a test wants the reports in order, at once.</summary>
    private sealed class SynchronousProgress<T>(Action<T> report) : IProgress<T>
    {
        public void Report(T value) => report(value);
    }
}
