using Dapper;
using RunHub.Files;
using RunHub.Tests.Data;

namespace RunHub.Tests.Files;

/// <summary>
/// Expiry finds inline inputs by key range (<see cref="StoredInputs.LastKeyAt"/>), so the bound must split keys by
/// their time in each store's own text order, whatever their random digits and extension.
/// </summary>
public sealed class InputKeyBoundTests
{
    [Theory, SqliteStore, PostgresStore]
    public async Task The_bound_at_a_time_is_above_every_key_made_then_or_before_and_below_every_later_one(StoreKind kind)
    {
        using var store = new TestStore(kind);
        const long at = 1_796_173_487_023;
        var keys = new[] { at - 1, at, at + 1 }
            .SelectMany(ms => new[] { "000000000000000000000.png", "fffffffffffffffffffff.webp", "9a0f00000000000000000.jpg" }
                .Select(rest => (Ms: ms, Key: $"{StoredInputs.Folder}/{StoredInputs.TimeDigits(ms)}{rest}")))
            .ToList();
        await using var db = store.Database.Open();

        foreach (var (ms, key) in keys)
        {
            var below = await db.ExecuteScalarAsync<long>("SELECT CASE WHEN @key <= @bound THEN 1 ELSE 0 END",
                new { key, bound = StoredInputs.LastKeyAt(at) });
            Assert.True((below == 1) == (ms <= at), $"{key}: {(below == 1 ? "within" : "beyond")} the bound at {at}");
            Assert.Equal(ms <= at, string.CompareOrdinal(key, StoredInputs.LastKeyAt(at)) <= 0);
        }
    }
}
