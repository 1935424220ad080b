namespace RunHub.Data;

/// <summary>Unix milliseconds, the unit of every time column, read from the one clock (<see cref="TimeProvider"/>).</summary>
public static class UnixTime
{
    /// <summary>Now, in Unix milliseconds.</summary>
    public static long NowMs(this TimeProvider clock) => clock.GetUtcNow().ToUnixTimeMilliseconds();
}
