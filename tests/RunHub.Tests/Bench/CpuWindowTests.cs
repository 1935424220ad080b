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
}
