namespace RunHub.Limits;

/// <summary>
/// What one node holds of one key's request windows (<see cref="KeyRateLimiter"/>): the window (Unix ms of the
/// minute's start) it grants from, the requests left of the shares the database gave it there, and whether the
/// database had none left to give. A grant that arrives for an older window than the one held (a take that finished
/// after the next minute's first take) never replaces the newer window's share: before 2026-12-01 it did, emptying
/// it, and the database, whose count for the new minute already included that share, then refused the key for the
/// rest of the minute. Not thread-safe: callers lock it.
/// </summary>
internal sealed class KeyShare
{
    /// <summary>What <see cref="Add"/> decided for the request that asked the database.</summary>
    public enum Outcome
    {
        /// <summary>The request may go ahead.</summary>
        Granted,

        /// <summary>The window has no requests left, here or in the database.</summary>
        Refused,

        /// <summary>Nothing was granted for a window that has since passed: ask again in the current one.</summary>
        Stale,
    }

    private long _window;
    private long _left;
    private bool _exhausted;
    private Task<long>? _take;
    private long _takeWindow;

    /// <summary>
    /// The take from the database this node has in flight for <paramref name="window"/>, if any: a request that finds
    /// the share empty meanwhile waits for it rather than asking the database itself, so a busy key costs one take per
    /// share, not one per request that arrived while the share was empty.
    /// </summary>
    public Task<long>? TakeInFlight(long window) => _takeWindow == window ? _take : null;

    /// <summary>Records <paramref name="take"/> as the take in flight for <paramref name="window"/>.</summary>
    public void StartTake(long window, Task<long> take) => (_take, _takeWindow) = (take, window);

    /// <summary>Forgets <paramref name="take"/> once it has finished (a newer take in flight stays).</summary>
    public void EndTake(Task<long> take)
    {
        if (ReferenceEquals(_take, take)) _take = null;
    }

    /// <summary>
    /// Grants one request of <paramref name="window"/> from what is held. False when it cannot; then
    /// <paramref name="exhausted"/> says whether the database has none left either (otherwise ask it).
    /// </summary>
    public bool TryTake(long window, out bool exhausted)
    {
        exhausted = false;
        if (window != _window) return false;
        if (_left > 0)
        {
            _left--;
            return true;
        }
        exhausted = _exhausted;
        return false;
    }

    /// <summary>
    /// Adds the <paramref name="granted"/> requests the database gave for <paramref name="window"/> and takes one of them
    /// (or of what is held) for the request that asked. A newer window replaces what is held; an older one leaves it.
    /// </summary>
    public Outcome Add(long window, long granted)
    {
        if (window < _window) return granted > 0 ? Outcome.Granted : Outcome.Stale;
        if (window > _window)
        {
            _window = window;
            _left = 0;
            _exhausted = false;
        }
        _left += granted;
        if (_left > 0)
        {
            _left--;
            return Outcome.Granted;
        }
        _exhausted = true;
        return Outcome.Refused;
    }
}
