using Npgsql;
using RunHub.Tasks;

namespace RunHub.Data;

/// <summary>
/// Wakes this node's idle workers when any node makes a task runnable: one connection per node LISTENs on the
/// queue's channel and turns each notification into a <see cref="TaskSignal"/> pulse, so pickup does not wait for
/// the poll interval. A lost connection is opened again; the workers are woken after each (re)connect because
/// notifications sent while nobody listened are gone, and the poll covers the gap until then.
/// </summary>
public sealed class PostgresQueueListener(PostgresDatabase database, TaskSignal signal, ILogger<PostgresQueueListener> logger)
    : BackgroundService
{
    /// <summary>How long the connection may stay silent before it is checked with a query (a dead peer shows no error otherwise).</summary>
    private static readonly TimeSpan Heartbeat = TimeSpan.FromSeconds(15);

    private static readonly TimeSpan Reconnect = TimeSpan.FromSeconds(1);

    /// <summary>Completes once the first LISTEN is in place (tests wait for it before they count on a wake-up).</summary>
    public Task Listening => _listening.Task;

    private readonly TaskCompletionSource _listening = new(TaskCreationOptions.RunContinuationsAsynchronously);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await ListenAsync(stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e) when (e is NpgsqlException or InvalidOperationException or IOException or TimeoutException)
            {
                logger.LogWarning("Lost the queue notification connection to {Database} ({Error}); reconnecting", database.Description, e.Message);
            }
            try { await Task.Delay(Reconnect, stoppingToken); } catch (OperationCanceledException) { return; }
        }
    }

    private async Task ListenAsync(CancellationToken stoppingToken)
    {
        await using var connection = await database.OpenListenerAsync(stoppingToken);
        connection.Notification += (_, _) => signal.Pulse();
        await using (var listen = new NpgsqlCommand($"LISTEN \"{database.Channel.Replace("\"", "\"\"")}\"", connection))
            await listen.ExecuteNonQueryAsync(stoppingToken);
        _listening.TrySetResult();
        signal.Pulse();
        while (true)
        {
            if (await connection.WaitAsync(Heartbeat, stoppingToken)) continue;
            await using var ping = new NpgsqlCommand("SELECT 1", connection);
            await ping.ExecuteScalarAsync(stoppingToken);
        }
    }
}
