using System.Collections.Concurrent;
using Microsoft.Extensions.Time.Testing;

namespace RunHub.Tests.Support;

/// <summary>
/// A <see cref="FakeTimeProvider"/> that also tells when the code under test starts waiting: a test awaits
/// <see cref="TimerCreatedAsync"/> for the wait it means to end (e.g. a 30 s grace) and only then moves the clock past
/// it, instead of moving the clock in small steps and sleeping between them in the hope that the wait began.
/// </summary>
public sealed class WatchedClock(DateTimeOffset start) : FakeTimeProvider(start)
{
    private readonly ConcurrentQueue<(TimeSpan Due, TaskCompletionSource Created)> _watches = new();
    private readonly ConcurrentQueue<TimeSpan> _created = new();

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        var timer = base.CreateTimer(callback, state, dueTime, period);
        _created.Enqueue(dueTime);
        foreach (var (due, created) in _watches)
            if (due == dueTime) created.TrySetResult();
        return timer;
    }

    /// <summary>
    /// Completes once a timer with exactly <paramref name="dueTime"/> is created after this call (a <c>Task.Delay</c>,
    /// <c>WaitAsync</c> or <c>CancellationTokenSource</c> on this clock); fails after <paramref name="timeout"/> of real
    /// time (default 30 s) with the timers that were created meanwhile.
    /// </summary>
    public async Task TimerCreatedAsync(TimeSpan dueTime, TimeSpan? timeout = null)
    {
        var created = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _watches.Enqueue((dueTime, created));
        try
        {
            await created.Task.WaitAsync(timeout ?? TimeSpan.FromSeconds(30));
        }
        catch (TimeoutException)
        {
            throw new TimeoutException($"no timer due in {dueTime} was created; timers created: {string.Join(", ", _created)}");
        }
    }
}
