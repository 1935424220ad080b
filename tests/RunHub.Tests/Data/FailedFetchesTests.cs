using Microsoft.Extensions.Time.Testing;
using RunHub.Accounts;
using RunHub.Media;
using RunHub.Tasks;

namespace RunHub.Tests.Data;

/// <summary>What an account's failed fetches cost is kept per account, summed over a period, and forgotten after 30 days.</summary>
public sealed class FailedFetchesTests
{
    [Theory, SqliteStore, PostgresStore]
    public async Task Failed_fetches_are_summed_per_account_since_a_time_and_old_ones_are_dropped(StoreKind kind)
    {
        using var store = new TestStore(kind);
        var accounts = new AccountDirectory(store.Database, TimeProvider.System);
        var a = (await accounts.CreateAsync("slow-inputs", Money.Zero)).AccountId;
        var b = (await accounts.CreateAsync("other", Money.Zero)).AccountId;
        var time = new FakeTimeProvider(DateTimeOffset.Parse("2026-11-01T00:00:00Z", System.Globalization.CultureInfo.InvariantCulture));
        var failures = new FailedFetches(store.Database, time);

        await failures.RecordAsync(a, "1", new FetchCost(10_000, 1), "imageUrls[0]: only 1 bytes arrived in 10 s");
        time.Advance(TimeSpan.FromHours(1));
        var hourLater = time.GetUtcNow();
        await failures.RecordAsync(a, "2", new FetchCost(30_000, 5_000), "imageUrls[0]: timed out after 30 s");
        await failures.RecordAsync(b, "3", new FetchCost(1, 0), "imageUrls[0]: the server answered HTTP 404");

        Assert.Equal(new FailedFetchTotal(2, 40_000, 5_001), await failures.CostSinceAsync(a, hourLater - TimeSpan.FromDays(1)));
        Assert.Equal(new FailedFetchTotal(1, 30_000, 5_000), await failures.CostSinceAsync(a, hourLater));
        Assert.Equal(new FailedFetchTotal(1, 1, 0), await failures.CostSinceAsync(b, DateTimeOffset.UnixEpoch));

        time.Advance(FailedFetches.Kept);
        await failures.RecordAsync(a, "4", new FetchCost(2, 0), "imageUrls[0]: timed out");
        Assert.Equal(new FailedFetchTotal(2, 30_002, 5_000), await failures.CostSinceAsync(a, DateTimeOffset.UnixEpoch));
    }
}
