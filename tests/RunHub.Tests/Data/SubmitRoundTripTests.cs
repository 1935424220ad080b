using Dapper;
using Npgsql;
using RunHub.Accounts;
using RunHub.Data;
using RunHub.Limits;
using RunHub.Tasks;

namespace RunHub.Tests.Data;

/// <summary>
/// The common submit on PostgreSQL (no idempotency key, no queue limit, no spend cap) sends its writes and its commit as
/// one batch: one round trip to the database, where it took two (the batch, then COMMIT), and a refused one still
/// writes nothing.
/// </summary>
public sealed class SubmitRoundTripTests
{
    [PostgresFact]
    public async Task A_submit_commits_in_the_round_trip_of_its_writes_and_a_refused_one_leaves_no_trace()
    {
        using var store = new TestStore(StoreKind.Postgres);
        var direct = new NpgsqlConnectionStringBuilder(store.ConnectionString);
        await using var counter = new RoundTripCounter(direct.Host!, direct.Port);
        using var proxied = new PostgresDatabase(new NpgsqlConnectionStringBuilder(store.ConnectionString) { Host = "127.0.0.1", Port = counter.Port }.ToString());
        await using var node = new Node(proxied);
        var rich = await node.Accounts.CreateAsync("rich", Money.FromDecimal(1m));
        var poor = await node.Accounts.CreateAsync("poor", Money.FromDecimal(0.01m));
        Assert.Equal(SubmitOutcome.Created, (await node.SubmitAsync(rich.AccountId, Money.FromDecimal(0.1m))).Outcome);   // the pool's connection opened

        counter.Reset();
        Assert.Equal(SubmitOutcome.Created, (await node.SubmitAsync(rich.AccountId, Money.FromDecimal(0.1m))).Outcome);
        // The node reads the account's own limits on every submit (no key cache here), then sends the batch with its commit.
        Assert.Equal(2, counter.RoundTrips);

        counter.Reset();
        Assert.Equal(SubmitOutcome.InsufficientBalance, (await node.SubmitAsync(poor.AccountId, Money.FromDecimal(0.02m))).Outcome);
        Assert.Equal(2, counter.RoundTrips);
        using var db = store.Database.Open();
        Assert.Equal(0, db.ExecuteScalar<long>("SELECT count(*) FROM tasks WHERE account_id = @id", new { id = poor.AccountId }));
        Assert.Equal(1, db.ExecuteScalar<long>("SELECT count(*) FROM ledger WHERE account_id = @id", new { id = poor.AccountId }));   // its top-up
        Assert.Equal(10L, db.ExecuteScalar<long>("SELECT balance FROM accounts WHERE id = @id", new { id = poor.AccountId }));
        Assert.Equal(0L, db.ExecuteScalar<long>("SELECT queued FROM account_queues WHERE account_id = @id", new { id = poor.AccountId }));

        // With a queue limit the limit is read after the writes, so the commit is its own round trip again.
        await using var limited = new Node(proxied, new LimitsOptions { MaxQueuedPerAccount = 100 });
        counter.Reset();
        Assert.Equal(SubmitOutcome.Created, (await limited.SubmitAsync(rich.AccountId, Money.FromDecimal(0.1m))).Outcome);
        Assert.Equal(4, counter.RoundTrips);
    }
}
