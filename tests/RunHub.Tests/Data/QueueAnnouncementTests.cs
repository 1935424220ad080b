using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using RunHub.Accounts;
using RunHub.Data;
using RunHub.Limits;
using RunHub.Tasks;

namespace RunHub.Tests.Data;

/// <summary>
/// How a node tells the others that a task can be claimed on PostgreSQL: never from inside the transaction that made it
/// runnable (PostgreSQL would serialize every such commit, WAL flush included, on one cluster-wide lock), but after the
/// commit, from <see cref="PostgresQueueAnnouncer"/>, one notification per burst. A listener of the queue's channel sees
/// the notifications in commit order, so a notification sent by the test itself marks the end of what came before it.
/// </summary>
public sealed class QueueAnnouncementTests
{
    [PostgresFact]
    public async Task No_transaction_of_the_queue_notifies_by_itself_so_submits_on_different_accounts_can_share_a_WAL_flush()
    {
        using var store = new TestStore(StoreKind.Postgres);
        // A running limit, so a task's end frees a place and the end is announced too.
        await using var node = new Node(store.OpenNode(), new LimitsOptions { MaxRunningPerAccount = 1 });
        await using var listener = await ListenAsync(store);
        var account = await node.Accounts.CreateAsync("quiet", Money.FromDecimal(1m));

        await node.SubmitAsync(account.AccountId, Money.FromDecimal(0.01m));
        var first = (await node.Queue.ClaimAsync("node", TimeSpan.FromMinutes(5)))!;
        Assert.True(await first.HandBackAsync());
        var second = (await node.Queue.ClaimAsync("node", TimeSpan.FromMinutes(5)))!;
        Assert.Equal(TaskStatuses.Success, await second.FinishAsync(new RunOutcome.Succeeded("[]", null)));

        Assert.Empty(await listener.BeforeMarkAsync());
    }

    [PostgresFact]
    public async Task The_announcer_sends_one_notification_for_a_burst_of_announcements_and_another_for_the_next()
    {
        using var store = new TestStore(StoreKind.Postgres);
        var database = (PostgresDatabase)store.Database;
        await using var listener = await ListenAsync(store);
        using var announcer = new PostgresQueueAnnouncer(database, NullLogger<PostgresQueueAnnouncer>.Instance);

        // Owed before the loop runs: a thousand announcements are one notification.
        for (var i = 0; i < 1000; i++) announcer.Announce();
        await announcer.StartAsync(CancellationToken.None);
        await listener.NextAsync();
        Assert.Empty(await listener.BeforeMarkAsync());

        announcer.Announce();
        await listener.NextAsync();
        Assert.Empty(await listener.BeforeMarkAsync());
        await announcer.StopAsync(CancellationToken.None);
    }

    private static async Task<ChannelListener> ListenAsync(TestStore store)
    {
        var channel = ((PostgresDatabase)store.Database).Channel;
        var connection = new NpgsqlConnection(store.ConnectionString);
        await connection.OpenAsync();
        await using var listen = new NpgsqlCommand($"LISTEN \"{channel}\"", connection);
        await listen.ExecuteNonQueryAsync();
        return new ChannelListener(connection, channel);
    }

    /// <summary>A test's own LISTEN connection on the queue's channel, with the payloads it received in order.</summary>
    private sealed class ChannelListener : IAsyncDisposable
    {
        private const string Mark = "test mark";
        private readonly NpgsqlConnection _connection;
        private readonly string _channel;
        private readonly Queue<string> _received = new();

        public ChannelListener(NpgsqlConnection connection, string channel)
        {
            _connection = connection;
            _channel = channel;
            _connection.Notification += (_, e) => _received.Enqueue(e.Payload);
        }

        /// <summary>Waits for the next notification and returns its payload.</summary>
        public async Task<string> NextAsync()
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            while (_received.Count == 0) await _connection.WaitAsync(timeout.Token);
            return _received.Dequeue();
        }

        /// <summary>Notifies the channel from another connection, and returns what arrived before that notification.</summary>
        public async Task<List<string>> BeforeMarkAsync()
        {
            await using (var other = new NpgsqlConnection(_connection.ConnectionString))
            {
                await other.OpenAsync();
                await using var notify = new NpgsqlCommand($"SELECT pg_notify('{_channel}', '{Mark}')", other);
                await notify.ExecuteNonQueryAsync();
            }
            var before = new List<string>();
            for (var payload = await NextAsync(); payload != Mark; payload = await NextAsync()) before.Add(payload);
            return before;
        }

        public ValueTask DisposeAsync() => _connection.DisposeAsync();
    }
}
