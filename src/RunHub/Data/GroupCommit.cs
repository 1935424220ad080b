using System.Data.Common;
using System.Diagnostics;
using System.Threading.Channels;
using Dapper;
using RunHub.Observability;

namespace RunHub.Data;

/// <summary>
/// Runs small write operations that arrive together in one transaction, so concurrent requests share one
/// commit (and its fsync) instead of queueing for one each: the commit is what limits SQLite's write rate,
/// not the statements. A transaction takes in the operations that arrive while its statements run: after the last
/// operation it holds, the ones queued meanwhile join it, and it commits when none is waiting, so an operation that
/// arrives during a batch shares its commit instead of waiting for that commit and then one of its own
/// (docs/performance.md). A transaction holds at most 256 operations, so SQLite's write lock, which other writers (the
/// workers, <c>runhub</c> commands) wait for, is held for at most 256 operations' statements and one commit.
/// An operation that throws is rolled back and fails alone while the others commit: a batch first runs without
/// savepoints, and when one of its operations throws, the whole transaction is rolled back and the batch runs again
/// with each operation inside its own savepoint (as do the next 16 batches: refusals tend to come in runs). A
/// savepoint copies, as it was, every page its operation changes into SQLite's statement journal, about 15 pages a
/// submit, and costs two statements; the common batch, where nothing is refused, no longer pays for that
/// (docs/performance.md). So an operation's work may run twice: it must act only through the connection and
/// transaction it is given. An operation's task completes only after the commit is durable.
/// On PostgreSQL (<see cref="SqlDialect.GroupsCommits"/> false) each operation commits alone, on its own pooled
/// connection: the server already flushes concurrent commits together, one connection running a batch's statements
/// one round trip after another is slower than many connections in parallel (measured on a 2-core machine,
/// PostgreSQL 15 with fsync on, 64 concurrent submits over 8 wallets: 245–301 submits/s alone, 132–170 grouped),
/// and a batch holding the wallets of many accounts could deadlock with another node's batch locking them in
/// another order. Each shared transaction is measured (<see cref="GroupCommitMetrics"/>: its operations, and the
/// writer's time on its statements and on its commit).
/// </summary>
public sealed class GroupCommit : IAsyncDisposable
{
    private const int MaxBatch = 256;

    /// <summary>How many batches after one whose operation threw run with savepoints at once, not first without them.</summary>
    private const int BatchesWithSavepointsAfterRefusal = 16;
    private readonly Database _database;
    private readonly Channel<IOperation> _queue = Channel.CreateUnbounded<IOperation>(new UnboundedChannelOptions { SingleReader = true });
    private readonly Task _loop;
    private DbConnection? _writer;
    private int _batchesWithSavepoints;

    public GroupCommit(Database database)
    {
        _database = database;
        _loop = database.Sql.GroupsCommits ? Task.Run(LoopAsync) : Task.CompletedTask;
    }

    /// <summary>
    /// Runs <paramref name="work"/> in a shared transaction (the one running when it is queued, or else the next) and
    /// returns its result once committed. On SQLite the work's database calls complete synchronously (the driver has no
    /// asynchronous I/O), so a batch holds the single writer only as long as its statements take. The work may be run
    /// more than once (again from the start, after a rollback of everything the first run wrote, when another operation
    /// of its batch threw), and only its last run's writes and result count: it must have no effect outside <c>db</c>
    /// and <c>tx</c>. Its exception fails it alone, with nothing it wrote kept.
    /// </summary>
    public Task<T> RunAsync<T>(Func<DbConnection, DbTransaction, Task<T>> work)
    {
        if (!_database.Sql.GroupsCommits) return _database.InTransactionAsync(work);
        var operation = new Operation<T>(work);
        if (!_queue.Writer.TryWrite(operation)) throw new ObjectDisposedException(nameof(GroupCommit));
        return operation.Completion.Task;
    }

    private async Task LoopAsync()
    {
        var batch = new List<IOperation>(MaxBatch);
        while (await _queue.Reader.WaitToReadAsync())
        {
            while (batch.Count < MaxBatch && _queue.Reader.TryRead(out var operation)) batch.Add(operation);
            await CommitAsync(batch);
            batch.Clear();
        }
    }

    /// <summary>
    /// Commits <paramref name="batch"/> in one transaction: without savepoints when it can (<see cref="TryCommitWholeAsync"/>),
    /// else with one per operation (<see cref="CommitEachAsync"/>).
    /// </summary>
    private async Task CommitAsync(List<IOperation> batch)
    {
        if (_batchesWithSavepoints > 0) _batchesWithSavepoints--;
        else if (await TryCommitWholeAsync(batch)) return;
        await CommitEachAsync(batch);
    }

    /// <summary>
    /// Runs the batch's operations one after another in one transaction without savepoints, with those that arrive
    /// meanwhile (<see cref="TakeArrived"/>, added to <paramref name="batch"/>), and commits it. False when an
    /// operation of several threw: the transaction is then rolled back whole (nothing of the batch is written) and no
    /// operation is completed, for the batch to run again with savepoints. True when the batch is done: committed and
    /// completed, its only operation failed with its own error and nothing written, or the batch failed as a whole (the
    /// transaction could not begin or commit), every operation with that error, as <see cref="CommitEachAsync"/> fails them.
    /// </summary>
    private async Task<bool> TryCommitWholeAsync(List<IOperation> batch)
    {
        try
        {
            var db = _writer ??= await _database.OpenWriterAsync();
            var started = Stopwatch.GetTimestamp();
            await using var tx = await db.BeginTransactionAsync();
            for (var i = 0; i < batch.Count; i++)
            {
                var operation = batch[i];
                try
                {
                    await operation.ExecuteAsync(db, tx);
                    if (i == batch.Count - 1) TakeArrived(batch);
                }
                catch (Exception e)
                {
                    // Refusals come in runs (one account out of money submitting again and again): savepoints for a while.
                    _batchesWithSavepoints = BatchesWithSavepointsAfterRefusal;
                    await RollBackWholeAsync(tx);
                    if (batch.Count > 1) return false;
                    // Alone in its batch, the operation's rollback is the transaction's: nothing to run again.
                    operation.Fail(e);
                    return true;
                }
            }
            await CommitMeasuredAsync(tx, batch.Count, started);
        }
        catch (Exception e)
        {
            foreach (var operation in batch) operation.Fail(e);
            await CloseWriterAsync();
            return true;
        }
        foreach (var operation in batch) operation.Complete();
        return true;
    }

    /// <summary>
    /// Adds to <paramref name="batch"/> the operations queued since it was taken, up to <see cref="MaxBatch"/>: the
    /// transaction runs them too before it commits.
    /// </summary>
    private void TakeArrived(List<IOperation> batch)
    {
        while (batch.Count < MaxBatch && _queue.Reader.TryRead(out var operation)) batch.Add(operation);
    }

    /// <summary>
    /// Rolls back everything the transaction wrote. When that fails (SQLite may already have rolled the transaction back
    /// itself after an I/O or memory error), the connection is closed, so the run with savepoints starts on a fresh one.
    /// </summary>
    private async Task RollBackWholeAsync(DbTransaction tx)
    {
        try
        {
            await tx.RollbackAsync();
        }
        catch (Exception)
        {
            await CloseWriterAsync();
        }
    }

    /// <summary>
    /// Commits the batch with each operation in a savepoint of its own: one that throws is rolled back and fails alone.
    /// Operations that arrive meanwhile join it (<see cref="TakeArrived"/>, added to <paramref name="batch"/>).
    /// </summary>
    private async Task CommitEachAsync(List<IOperation> batch)
    {
        var succeeded = new List<IOperation>(batch.Count);
        try
        {
            var db = _writer ??= await _database.OpenWriterAsync();
            var started = Stopwatch.GetTimestamp();
            await using var tx = await db.BeginTransactionAsync();
            for (var i = 0; i < batch.Count; i++)
            {
                var operation = batch[i];
                await db.ExecuteCompiledAsync(tx, "SAVEPOINT operation");
                try
                {
                    await operation.ExecuteAsync(db, tx);
                    await db.ExecuteCompiledAsync(tx, "RELEASE operation");
                    succeeded.Add(operation);
                }
                catch (Exception e)
                {
                    await db.ExecuteAsync("ROLLBACK TO operation; RELEASE operation", transaction: tx);
                    operation.Fail(e);
                }
                if (i == batch.Count - 1) TakeArrived(batch);
            }
            await CommitMeasuredAsync(tx, batch.Count, started);
        }
        catch (Exception e)
        {
            // Nothing of the batch was committed; operations that already failed alone keep their own error. The
            // next batch starts on a fresh connection, whatever state this failure left this one in.
            foreach (var operation in batch) operation.Fail(e);
            await CloseWriterAsync();
            return;
        }
        foreach (var operation in succeeded) operation.Complete();
    }

    /// <summary>
    /// Commits <paramref name="tx"/> and records the transaction (<see cref="GroupCommitMetrics"/>): its
    /// <paramref name="operations"/>, the time since <paramref name="started"/> (a <see cref="Stopwatch"/> timestamp)
    /// and the commit call's own. A commit that throws is not recorded.
    /// </summary>
    private static async Task CommitMeasuredAsync(DbTransaction tx, int operations, long started)
    {
        var committing = Stopwatch.GetTimestamp();
        await tx.CommitAsync();
        GroupCommitMetrics.RecordTransaction(operations, Stopwatch.GetElapsedTime(started, committing), Stopwatch.GetElapsedTime(committing));
    }

    /// <summary>Closes the connection every batch runs on (<see cref="Database.OpenWriterAsync"/>, kept open between batches).</summary>
    private async ValueTask CloseWriterAsync()
    {
        if (_writer is { } writer) await writer.DisposeAsync();
        _writer = null;
    }

    public async ValueTask DisposeAsync()
    {
        _queue.Writer.TryComplete();
        await _loop;
        await CloseWriterAsync();
    }

    private interface IOperation
    {
        Task ExecuteAsync(DbConnection db, DbTransaction tx);
        void Complete();
        void Fail(Exception error);
    }

    private sealed class Operation<T>(Func<DbConnection, DbTransaction, Task<T>> work) : IOperation
    {
        private T _result = default!;

        public TaskCompletionSource<T> Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public async Task ExecuteAsync(DbConnection db, DbTransaction tx) => _result = await work(db, tx);

        public void Complete() => Completion.TrySetResult(_result);

        public void Fail(Exception error) => Completion.TrySetException(error);
    }
}
