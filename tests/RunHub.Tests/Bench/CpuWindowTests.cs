using RunHub.Bench.Load;

namespace RunHub.Tests.Bench;

/// <summary>
/// The machine's busy CPU that every measured row sets beside its two processes' own (<c>otherCpuPercentOfMachine</c>):
/// read from <c>/proc/stat</c>, idle and I/O wait left out.
/// </summary>
public sealed class CpuWindowTests
{
    [Fact]
    public void The_busy_seconds_of_proc_stat_are_user_nice_system_irq_softirq_and_steal_but_not_idle_or_io_wait()
    {
        // user 100, nice 2000, system 30, idle 99999, iowait 7777, irq 4, softirq 50, steal 6, guest 300, guest_nice 1 (ticks of 10 ms).
        var busy = CpuWindow.BusySeconds("cpu  100 2000 30 99999 7777 4 50 6 300 1");

        Assert.Equal((100 + 2000 + 30 + 4 + 50 + 6) / 100.0, busy, 9);
    }

    [Theory]
    [InlineData("cpu0 100 2000 30 99999 7777 4 50 6 0 0")]
    [InlineData("intr 12345 0 0")]
    [InlineData("cpu  100 2000 30")]
    public void A_line_that_is_not_the_all_cores_cpu_line_is_refused(string line) =>
        Assert.Throws<FormatException>(() => CpuWindow.BusySeconds(line));

    [Fact]
    public void The_machine_has_been_busy_at_least_as_long_as_this_process_has_run_on_it()
    {
        var ownSeconds = System.Diagnostics.Process.GetCurrentProcess().TotalProcessorTime.TotalSeconds;

        var machine = CpuWindow.MachineBusySeconds();

        Assert.NotNull(machine);
        // Both in 10 ms ticks; the machine's count includes this process's.
        Assert.True(machine >= ownSeconds - 0.02, $"machine busy {machine} s, this process {ownSeconds} s");
    }

    [Fact]
    public void Switches_in_a_window_count_the_live_threads_growth_and_never_go_negative_when_threads_end()
    {
        // Thread 11 ended in the window (its 5,000 switches leave the sum of live threads' totals), 13 started in it,
        // 14's id was given again to a new thread (its count is lower than the old thread's was).
        var start = new Dictionary<int, long> { [10] = 100, [11] = 5_000, [12] = 40, [14] = 900 };
        var end = new Dictionary<int, long> { [10] = 130, [12] = 41, [13] = 7, [14] = 3 };

        Assert.Equal(30 + 1 + 7 + 3, CpuWindow.SwitchesBetween(start, end));
        Assert.Null(CpuWindow.SwitchesBetween(null, end));
    }

    [Fact]
    public void A_thread_that_blocked_in_the_window_counts_a_switch_in_it()
    {
        var before = CpuWindow.ThreadContextSwitches(Environment.ProcessId);
        var thread = new Thread(() => Thread.Sleep(20));
        thread.Start();
        thread.Join();
        var after = CpuWindow.ThreadContextSwitches(Environment.ProcessId);

        // Read per thread, by id: the main thread's id is the process's.
        Assert.Contains(Environment.ProcessId, before!.Keys);
        Assert.Contains(Environment.ProcessId, after!.Keys);
        // This thread blocked in Join: it switched at least once more.
        Assert.True(CpuWindow.SwitchesBetween(before, after) >= 1);
    }
}
