using RunHub.Accounts;
using RunHub.Data;

namespace RunHub.Tests.Data;

/// <summary>
/// <see cref="Database.ReadFirstAsync{T}"/>, the read of every query and key check: on PostgreSQL sent with positional
/// parameters (<see cref="PositionalSql"/>) and read with a row mapper kept per SQL text; it must read exactly what
/// Dapper read before on both stores.
/// </summary>
public sealed class HotReadTests
{
    private sealed record Row
    {
        public string Id { get; init; } = "";
        public string? Name { get; init; }
        public long Balance { get; init; }
        public string? Missing { get; init; }
    }

    [Theory, SqliteStore, PostgresStore]
    public async Task A_hot_read_binds_each_named_parameter_wherever_it_stands_and_leaves_quoted_text_alone(StoreKind kind)
    {
        using var store = new TestStore(kind);
        var account = await new AccountDirectory(store.Database, TimeProvider.System).CreateAsync("hot @reads", Money.FromDecimal(2m));
        const string sql =
            "SELECT id AS Id, '@id -- @balance' AS Name, balance AS Balance, NULL AS Missing FROM accounts " +
            "WHERE id = @id AND balance >= coalesce(@balance, @min) AND balance >= @min -- not @nothing\n";

        for (var i = 0; i < 8; i++) // past Npgsql's automatic preparation (after 5 uses), and the kept row mapper
        {
            var row = await store.Database.ReadFirstAsync<Row>(sql, ("id", account.AccountId), ("balance", null), ("min", 2000L));
            Assert.Equal(new Row { Id = account.AccountId, Name = "@id -- @balance", Balance = 2000, Missing = null }, row);
        }
        Assert.Null(await store.Database.ReadFirstAsync<Row>(sql, ("id", account.AccountId), ("balance", null), ("min", 2001L)));
        Assert.Equal(2000L, await store.Database.ReadFirstAsync<long>("SELECT balance FROM accounts WHERE id = @id", ("id", account.AccountId)));
        Assert.Equal(0L, await store.Database.ReadFirstAsync<long>("SELECT balance FROM accounts WHERE id = @id", ("id", "nobody")));
        Assert.Null(await store.Database.ReadFirstAsync<string>("SELECT NULL FROM accounts WHERE id = @id", ("id", account.AccountId)));
    }

    [Fact]
    public void Positional_rewriting_numbers_the_names_in_the_callers_order_and_skips_quotes_comments_and_other_names()
    {
        Assert.Equal(
            "SELECT $2, '@a', \"@b\", $1 || $2, @c, @ab, @1 -- @a\nWHERE $1 = $1",
            PositionalSql.Rewrite("SELECT @b, '@a', \"@b\", @a || @b, @c, @ab, @1 -- @a\nWHERE @a = @a", ["a", "b"]));
    }
}
