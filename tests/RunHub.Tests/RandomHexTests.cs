namespace RunHub.Tests;

/// <summary>
/// The buffered random digits behind clients' ids, inline inputs' names and leases' tokens: each is the length asked,
/// lowercase hex, and never repeats, across many refills of a thread's buffer and across threads taking at once.
/// </summary>
public sealed class RandomHexTests
{
    [Theory]
    [InlineData(1)]
    [InlineData(21)]
    [InlineData(32)]
    [InlineData(RandomHex.MaxDigits)]
    public void Digits_are_as_many_lowercase_hex_digits_as_asked(int count)
    {
        for (var i = 0; i < 100; i++)
            Assert.Matches($"^[0-9a-f]{{{count}}}$", RandomHex.Digits(count));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    [InlineData(RandomHex.MaxDigits + 1)]
    public void A_count_outside_one_to_the_maximum_is_refused(int count) =>
        Assert.Throws<ArgumentOutOfRangeException>(() => RandomHex.Digits(count));

    [Fact]
    public void Ids_taken_through_many_refills_of_the_buffer_never_repeat()
    {
        // 32 digits are 16 bytes: 256 ids a buffer, so this crosses 40 refills, with odd lengths between them that
        // leave a buffer's last bytes too few for the next id.
        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < RandomHex.BufferBytes / 16 * 40; i++)
        {
            Assert.True(seen.Add(RandomHex.Digits(32)), $"id {i} repeated an earlier one");
            if (i % 7 == 0) Assert.True(seen.Add(RandomHex.Digits(21)));
        }
    }

    [Fact]
    public async Task Threads_taking_at_once_never_get_the_same_id()
    {
        var perThread = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Task.Run(() =>
            Enumerable.Range(0, 2000).Select(_ => RandomHex.Digits(32)).ToList())));
        var all = perThread.SelectMany(ids => ids).ToList();
        Assert.Equal(all.Count, all.Distinct(StringComparer.Ordinal).Count());
    }

    [Fact]
    public void The_digits_are_spread_evenly()
    {
        // 64,000 digits: each of the 16 values is expected 4,000 times; a generator stuck on part of its buffer (or
        // digits cut from a fixed position) is far outside 3,600–4,400.
        var counts = new int[16];
        for (var i = 0; i < 2000; i++)
            foreach (var c in RandomHex.Digits(32)) counts[Convert.ToInt32(c.ToString(), 16)]++;
        Assert.All(counts, n => Assert.InRange(n, 3600, 4400));
    }
}
