using System.Collections.Concurrent;
using System.Data.Common;
using RunHub.Bench.Stores;
using RunHub.Tasks;

namespace RunHub.Bench.Load;

/// <summary>
/// Learns when submitted tasks finish by reading the server's own database, not by polling the API: polling
/// fast enough to notice a task of a few milliseconds would load the server with queries and measure them
/// instead. SQLite in WAL mode (and PostgreSQL's MVCC) let this reader run beside the server's writer without
/// blocking it, and the read touches only the unfinished tasks: the queued ones through the accounts that have some
/// (<see cref="TaskQueue.QueuedOfWaitingAccounts"/>), the running ones through <c>tasks_running</c>.
/// </summary>
internal sealed class TaskWatcher : IAsyncDisposable
{
    /// <summary>
    /// The unfinished tasks' ids, in one statement (one snapshot, so a task moving from queued to running is seen). The
    /// running ones' <c>ORDER BY</c> is what has SQLite read <c>tasks_running</c>: without it, it scanned the whole of
    /// <c>tasks_account</c>, which also holds every id.
    /// </summary>
    internal const string UnfinishedIds =
        $"SELECT id FROM tasks WHERE {TaskQueue.QueuedOfWaitingAccounts} " +
        "UNION ALL SELECT * FROM (SELECT id FROM tasks WHERE status = 'RUNNING' ORDER BY id) AS running";

    private readonly DbConnection _db;
    private readonly ConcurrentDictionary<string, TaskCompletionSource> _waiting = new(StringComparer.Ordinal);
    private readonly CancellationTokenSource _stop = new();
    private readonly TimeSpan _interval;
    private readonly Task _loop;

    private TaskWatcher(DbConnection db, TimeSpan interval)
    {
        _db = db;
        _interval = interval;
        _loop = Task.Run(LoopAsync);
    }

    /// <summary>Opens its connection and starts reading every <paramref name="interval"/>.</summary>
    public static async Task<TaskWatcher> StartAsync(BenchDatabase database, TimeSpan interval) =>
        new(await database.OpenAsync(), interval);

    /// <summary>Completes once the task is no longer queued or running. Call it only after its submit was answered (it is committed then).</summary>
    public Task WhenFinishedAsync(string taskId)
    {
        var finished = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _waiting[taskId] = finished;
        return finished.Task;
    }

    private async Task LoopAsync()
    {
        using var command = _db.CreateCommand();
        command.CommandText = UnfinishedIds;
        var unfinished = new HashSet<string>(StringComparer.Ordinal);
        while (!_stop.IsCancellationRequested)
        {
            if (!_waiting.IsEmpty)
            {
                // Taken before the read: each of these tasks was committed before it, so "not unfinished" means finished.
                var watched = _waiting.Keys.ToArray();
                unfinished.Clear();
                using (var reader = await command.ExecuteReaderAsync())
                    while (await reader.ReadAsync()) unfinished.Add(reader.GetString(0));
                foreach (var id in watched)
                    if (!unfinished.Contains(id) && _waiting.TryRemove(id, out var finished)) finished.TrySetResult();
            }
            try { await Task.Delay(_interval, _stop.Token); }
            catch (OperationCanceledException) { break; }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        try { await _loop; }
        finally
        {
            foreach (var waiting in _waiting.Values) waiting.TrySetCanceled();
            await _db.DisposeAsync();
            _stop.Dispose();
        }
    }
}
