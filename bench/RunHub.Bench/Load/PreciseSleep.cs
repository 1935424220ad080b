using System.Diagnostics;
using System.Runtime.InteropServices;

namespace RunHub.Bench.Load;

/// <summary>
/// Sleeps the calling thread until a <see cref="Stopwatch"/> timestamp with microsecond precision on Linux: an absolute
/// <c>clock_nanosleep</c> on <c>CLOCK_MONOTONIC</c> (the clock <see cref="Stopwatch"/> reads there) with the thread's
/// timer slack set to 1 ns, instead of <see cref="Thread.Sleep(int)"/>'s whole milliseconds (which wake about 1.1 ms
/// later and make the open loop send in bursts). Elsewhere it falls back to <see cref="Thread.Sleep(int)"/>.
/// </summary>
internal static class PreciseSleep
{
    private const int ClockMonotonic = 1;
    private const int TimerAbsoluteTime = 1;
    private const int PrSetTimerSlack = 29;

    [StructLayout(LayoutKind.Sequential)]
    private struct Timespec
    {
        public long Seconds;
        public long Nanoseconds;
    }

    // Blittable signatures: the runtime calls them as they are, with no marshalling code generated.
    [DllImport("libc", EntryPoint = "clock_nanosleep")]
    private static extern int ClockNanosleep(int clock, int flags, ref Timespec request, IntPtr remaining);

    [DllImport("libc", EntryPoint = "prctl")]
    private static extern int Prctl(int option, nuint argument2, nuint argument3, nuint argument4, nuint argument5);

    private static readonly bool Precise = OperatingSystem.IsLinux() && Stopwatch.Frequency == 1_000_000_000;

    /// <summary>Makes the calling thread's sleeps end on time (timer slack 1 ns instead of the default 50 µs).</summary>
    public static void TightenThisThread()
    {
        if (Precise) Prctl(PrSetTimerSlack, 1, 0, 0, 0);
    }

    /// <summary>Sleeps until <paramref name="timestamp"/> (<see cref="Stopwatch.GetTimestamp"/> units); returns at once when it has passed.</summary>
    public static void Until(long timestamp)
    {
        if (!Precise)
        {
            var ms = (int)((timestamp - Stopwatch.GetTimestamp()) * 1000 / Stopwatch.Frequency);
            if (ms > 0) Thread.Sleep(ms);
            return;
        }
        var at = new Timespec { Seconds = timestamp / 1_000_000_000, Nanoseconds = timestamp % 1_000_000_000 };
        // EINTR (a signal) only ends the sleep early: the caller checks the time and sleeps again.
        ClockNanosleep(ClockMonotonic, TimerAbsoluteTime, ref at, IntPtr.Zero);
    }
}
