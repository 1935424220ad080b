using RunHub.Bench.Load;
using RunHub.Tests.Support;

namespace RunHub.Tests.Bench;

/// <summary>
/// The open loop's late answers set beside a process's collection pauses (docs/performance.md, "The query tail"): the
/// pauses are read from the runtime's own GC events, and a burst counts as during a pause only if one fell inside it.
/// </summary>
public sealed class ServerGcPausesTests
{
    [Fact]
    public async Task A_processs_forced_collections_are_read_as_pauses_with_their_generation_and_start()
    {
        // This test's own process stands for the server: the same diagnostics channel, the same runtime events.
        var before = DateTime.UtcNow;
        var gc = ServerGcPauses.TryStart(Environment.ProcessId, out var why);
        Assert.True(gc is not null, why);
        using (gc)
        {
            // Events are sent once the session is up; collect until three gen2 pauses have arrived.
            await Poll.UntilAsync(() =>
            {
                GC.Collect(2, GCCollectionMode.Forced, blocking: true);
                return Task.FromResult(gc.Pauses.Count(p => p.Generation == 2) >= 3);
            }, "three forced gen2 collections to be read from the runtime's events");
        }
        var after = DateTime.UtcNow;

        var pauses = gc.Pauses;
        Assert.All(pauses, p =>
        {
            Assert.InRange(p.StartUtc, before.AddSeconds(-1), after.AddSeconds(1));
            Assert.True(p.Ms >= 0, $"a pause of {p.Ms} ms");
        });
        Assert.Equal(pauses.OrderBy(p => p.StartUtc), pauses);
    }

    [Fact]
    public void An_unreachable_process_gives_no_session_and_says_why()
    {
        // A process id no process has: the diagnostics channel's socket does not exist.
        var gc = ServerGcPauses.TryStart(int.MaxValue - 7, out var why);
        Assert.Null(gc);
        Assert.False(string.IsNullOrEmpty(why));
    }

    [Fact]
    public void A_burst_is_during_a_pause_only_when_the_pause_falls_between_its_first_due_time_and_its_last_answer()
    {
        var late = new LateRequests();
        late.Add(100, 6);   // burst 1: due 100..102, answered by 109
        late.Add(102, 7);
        late.Add(500, 8);   // burst 2: due 500, answered at 508
        late.Add(900, 5.5); // burst 3: due 900, answered at 905.5

        Assert.Equal(3, late.Summary().Bursts);
        Assert.Equal(0, late.BurstsDuring([]));
        Assert.Equal(1, late.BurstsDuring([(104, 106)]));             // inside burst 1
        Assert.Equal(1, late.BurstsDuring([(95, 101)]));              // began before burst 1's first due, ended in it
        Assert.Equal(0, late.BurstsDuring([(109.5, 120), (490, 499)])); // after burst 1's last answer, before burst 2
        Assert.Equal(2, late.BurstsDuring([(507, 510), (905, 906), (906, 907)])); // burst 3 counted once
    }
}
