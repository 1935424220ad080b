using RunHub.Limits;

namespace RunHub.Tests.Limits;

/// <summary>
/// A node's share of a key's minute (<see cref="KeyShare"/>). The first case is what the bench's submit-limits row met
/// on PostgreSQL on 2026-12-01 (every request refused with 1003 for a whole minute under a limit of 10⁸ a minute): 32
/// requests at a minute's turn had taken the new minute's whole limit from the database, and one take for the old
/// minute that finished after them emptied the node's share of the new one.
/// </summary>
public sealed class KeyShareTests
{
    private const long Minute0 = 60_000;
    private const long Minute1 = 120_000;

    [Fact]
    public void A_grant_for_a_minute_that_has_passed_leaves_the_current_minutes_share_alone()
    {
        var share = new KeyShare();
        Assert.Equal(KeyShare.Outcome.Granted, share.Add(Minute1, 10));

        Assert.Equal(KeyShare.Outcome.Stale, share.Add(Minute0, 0));
        Assert.Equal(KeyShare.Outcome.Granted, share.Add(Minute0, 3));

        for (var i = 0; i < 9; i++) Assert.True(share.TryTake(Minute1, out _));
        Assert.False(share.TryTake(Minute1, out var exhausted));
        Assert.False(exhausted);
    }

    [Fact]
    public void A_minute_the_database_has_nothing_left_of_is_refused_here_until_the_next_one_begins()
    {
        var share = new KeyShare();
        Assert.Equal(KeyShare.Outcome.Granted, share.Add(Minute0, 1));
        Assert.False(share.TryTake(Minute0, out var exhausted));
        Assert.False(exhausted);

        Assert.Equal(KeyShare.Outcome.Refused, share.Add(Minute0, 0));
        Assert.False(share.TryTake(Minute0, out exhausted));
        Assert.True(exhausted);

        Assert.False(share.TryTake(Minute1, out exhausted));
        Assert.False(exhausted);
        Assert.Equal(KeyShare.Outcome.Granted, share.Add(Minute1, 2));
        Assert.True(share.TryTake(Minute1, out _));
        Assert.False(share.TryTake(Minute1, out _));
    }

    [Fact]
    public void Grants_of_the_same_minute_add_up()
    {
        var share = new KeyShare();
        Assert.Equal(KeyShare.Outcome.Granted, share.Add(Minute0, 2));
        Assert.Equal(KeyShare.Outcome.Granted, share.Add(Minute0, 0));
        Assert.False(share.TryTake(Minute0, out var exhausted));
        Assert.False(exhausted);
    }

    [Fact]
    public void A_take_in_flight_is_shared_within_its_minute_only_and_forgotten_when_it_ends()
    {
        var share = new KeyShare();
        var first = new TaskCompletionSource<long>().Task;
        var second = new TaskCompletionSource<long>().Task;
        Assert.Null(share.TakeInFlight(Minute0));

        share.StartTake(Minute0, first);
        Assert.Same(first, share.TakeInFlight(Minute0));
        Assert.Null(share.TakeInFlight(Minute1));

        // A take for the next minute replaces it; the old one ending then leaves the new one in flight.
        share.StartTake(Minute1, second);
        share.EndTake(first);
        Assert.Same(second, share.TakeInFlight(Minute1));
        share.EndTake(second);
        Assert.Null(share.TakeInFlight(Minute1));
    }
}
