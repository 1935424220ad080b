using RunHub.Bench.Load;
using RunHub.Tests.Support;

namespace RunHub.Tests.Bench;

/// <summary>
/// The open loop keeps no list of its calls (docs/performance.md, "The query tail at half load"), so what tells it the
/// run is over is its own count of calls not yet recorded.
/// </summary>
public sealed class OpenLoopTests
{
    [Fact]
    public async Task The_open_loop_returns_only_after_every_call_it_sent_is_answered_and_recorded()
    {
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var sent = 0;
        var run = OpenLoop.RunAsync(1000, TimeSpan.Zero, TimeSpan.FromMilliseconds(100), 1000, async () =>
        {
            Interlocked.Increment(ref sent);
            await gate.Task;
            return CallResult.Success;
        });

        // 1,000 a second for 100 ms: the dispatcher sends all hundred, however late its thread wakes on a busy
        // machine, and none is answered while the gate is shut.
        await Poll.UntilAsync(() => Task.FromResult(Volatile.Read(ref sent) == 100), "the window's hundred calls to be sent");
        Assert.False(run.IsCompleted);

        gate.SetResult();
        var samples = await run;
        Assert.Equal(100, Volatile.Read(ref sent));
        Assert.Equal(100, samples.FromDue.Count);
        Assert.Equal(samples.FromDue.Count, samples.SendLag.Count);
        Assert.Equal(0, samples.FromDue.Errors);
    }

    [Fact]
    public async Task A_call_that_fails_as_a_network_call_can_is_an_error_and_any_other_failure_ends_the_run()
    {
        var refused = await OpenLoop.RunAsync(1000, TimeSpan.Zero, TimeSpan.FromMilliseconds(20), 1000,
            () => throw new HttpRequestException("connection refused"));
        Assert.Equal(0, refused.FromDue.Count);
        Assert.Equal(20, refused.FromDue.Errors);
        Assert.Contains("HttpRequestException: connection refused", refused.FromDue.ErrorMessages);

        var failure = await Assert.ThrowsAsync<InvalidOperationException>(() => OpenLoop.RunAsync(1000, TimeSpan.Zero, TimeSpan.FromMilliseconds(20), 1000,
            () => throw new FormatException("a bug in the call")));
        Assert.IsType<FormatException>(failure.InnerException);
    }
}
