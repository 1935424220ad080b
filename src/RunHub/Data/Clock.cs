namespace RunHub.Data;

/// <summary>Unix milliseconds, the unit of every time column.</summary>
public static class Clock
{
    public static long NowMs() => DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
}
