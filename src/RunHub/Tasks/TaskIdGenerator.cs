using System.Security.Cryptography;

namespace RunHub.Tasks;

/// <summary>
/// Time-ordered 19-digit decimal ids, snowflake style: milliseconds since 2010-11-04 (Twitter's epoch, which
/// keeps ids at 19 digits for decades), 10 bits of node identity chosen at random per process, 12 bits of
/// sequence. Ids are unique across processes with overwhelming probability and the database enforces it.
/// </summary>
public sealed class TaskIdGenerator
{
    private const long Epoch = 1288834974657;
    private readonly long _node = RandomNumberGenerator.GetInt32(1024);
    private readonly Lock _gate = new();
    private long _lastMs;
    private long _sequence;

    public static TaskIdGenerator Shared { get; } = new();

    /// <summary>The smallest id (as a 19-digit string) of a task created at or after <paramref name="unixMs"/>, for
    /// turning a time range into an id range; null when that time is outside the 19-digit era (before mid-2018 or
    /// after about 2080), where no bound applies.</summary>
    public static string? FirstIdAt(long unixMs)
    {
        if (unixMs < Epoch) return null;
        var elapsed = unixMs - Epoch;
        if (elapsed > (long.MaxValue >> 22)) return null;
        var id = (elapsed << 22).ToString(System.Globalization.CultureInfo.InvariantCulture);
        return id.Length == 19 ? id : null;
    }

    public string Next()
    {
        lock (_gate)
        {
            var now = Math.Max(DateTimeOffset.UtcNow.ToUnixTimeMilliseconds(), _lastMs);
            if (now == _lastMs)
            {
                _sequence = (_sequence + 1) & 0xFFF;
                if (_sequence == 0) now = ++_lastMs; // 4096 ids in one millisecond: borrow the next one
            }
            else
            {
                _sequence = 0;
            }
            _lastMs = now;
            return (((now - Epoch) << 22) | (_node << 12) | _sequence).ToString(System.Globalization.CultureInfo.InvariantCulture);
        }
    }
}
