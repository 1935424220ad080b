using System.Threading.Channels;
using Npgsql;
using RunHub.Tasks;

namespace RunHub.Data;

/// <summary>
/// Tells the other nodes' idle workers (their <see cref="PostgresQueueListener"/>) that a task can be claimed, after the
/// commit that made it so: one <c>pg_notify</c> on the queue's channel per burst, sent from a loop of its own on a pooled
/// connection. <see cref="Announce"/> only marks an announcement as owed and returns; the loop sends one notification,
/// then another if anything was announced meanwhile, so a busy node sends at most one per round trip, never one per
/// submit. This node's own workers are woken in process (<see cref="TaskSignal"/>), not by this.
/// <para>
/// Why not in the submit's transaction: PostgreSQL serializes every committing transaction that notified, in the whole
/// cluster, on one lock held until its commit record is flushed (<c>PreCommit_Notify</c> in <c>async.c</c>), so
/// submits that notified could not share a WAL flush: one durable commit at a time. Measured in docs/performance.md.
/// </para>
/// <para>
/// What is lost is found by the poll: an announcement owed when the process dies (between a commit and its
/// notification), or dropped while the database is unreachable (the loop logs it and tries again every second), only
/// delays the task until the other nodes' workers next look, every <c>RunHub:Queue:PollMilliseconds</c> (1000 ms by
/// default). The notification carries nothing durable, so its own transaction does not wait for its WAL flush
/// (<c>synchronous_commit</c> off for that transaction alone); every write of RunHub's still commits durably.
/// </para>
/// </summary>
public sealed class PostgresQueueAnnouncer(PostgresDatabase database, ILogger<PostgresQueueAnnouncer> logger) : BackgroundService
{
    private static readonly TimeSpan Retry = TimeSpan.FromSeconds(1);

    /// <summary>At most one owed announcement: a burst of <see cref="Announce"/> calls while one is owed adds nothing.</summary>
    private readonly Channel<bool> _owed = Channel.CreateBounded<bool>(new BoundedChannelOptions(1)
    {
        FullMode = BoundedChannelFullMode.DropWrite,
        SingleReader = true,
    });

    private readonly string _notify =
        $"SELECT set_config('synchronous_commit', 'off', true), pg_notify('{database.Channel.Replace("'", "''")}', '')";

    /// <summary>
    /// Owes the other nodes one notification, sent soon after by the loop; call it after the commit that made a task
    /// runnable. Never blocks and never throws.
    /// </summary>
    public void Announce() => _owed.Writer.TryWrite(true);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            while (await _owed.Reader.WaitToReadAsync(stoppingToken))
            {
                // Taken before the send: whatever is announced while it is on its way owes one more.
                _owed.Reader.TryRead(out _);
                try
                {
                    await SendAsync(stoppingToken);
                }
                catch (Exception e) when (e is NpgsqlException or InvalidOperationException or IOException or TimeoutException)
                {
                    logger.LogWarning("Could not announce a runnable task to the other nodes on {Database} ({Error}); trying again in {Retry} s " +
                        "(their workers find it on their next poll meanwhile)", database.Description, e.Message, Retry.TotalSeconds);
                    Announce();
                    await Task.Delay(Retry, stoppingToken);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping: an announcement still owed is left to the other nodes' poll.
        }
    }

    private async Task SendAsync(CancellationToken cancellationToken)
    {
        await using var db = await database.OpenAsync(cancellationToken);
        await using var command = db.CreateCommand();
        command.CommandText = _notify;
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}
