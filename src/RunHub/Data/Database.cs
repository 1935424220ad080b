using System.Data.Common;
using Dapper;

namespace RunHub.Data;

/// <summary>
/// Where accounts, keys, the ledger and the task queue live: an embedded SQLite file (one machine) or a
/// PostgreSQL server that any number of nodes share (<c>RunHub:Store:Postgres</c>). The SQL is written once for
/// both; <see cref="Sql"/> carries the few places where the two really differ. Request and worker paths use the
/// async calls (<see cref="OpenAsync"/>, <see cref="ReadFirstAsync{T}"/>): on PostgreSQL they wait on the network
/// without holding a thread; on SQLite, whose driver does its work synchronously, they complete at once.
/// </summary>
public abstract class Database
{
    /// <summary>An open connection from the pool; dispose it to give it back. For start-up work (migrations) and tools.</summary>
    public abstract DbConnection Open();

    /// <summary>An open connection from the pool, opened without blocking a thread where the driver can.</summary>
    public abstract ValueTask<DbConnection> OpenAsync(CancellationToken cancellationToken = default);

    public abstract SqlDialect Sql { get; }

    /// <summary>
    /// The connection a <see cref="GroupCommit"/> runs its batches on, kept open for the life of the server: by default
    /// an ordinary pooled connection. Dispose it to close it.
    /// </summary>
    public virtual ValueTask<DbConnection> OpenWriterAsync() => OpenAsync();

    /// <summary>
    /// The first row of a read that runs on nearly every request (a task by id, a key check), or default when there
    /// is none: one place where a store can keep such statements compiled. Parameters are named without the <c>@</c>.
    /// </summary>
    public virtual async ValueTask<T?> ReadFirstAsync<T>(string sql, params (string Name, object? Value)[] parameters)
    {
        var bound = new DynamicParameters();
        foreach (var (name, value) in parameters) bound.Add(name, value);
        await using var db = await OpenAsync();
        return await db.QueryFirstOrDefaultAsync<T>(sql, bound);
    }

    /// <summary>What opening this database did to its schema (<see cref="SchemaMigration"/>).</summary>
    public SchemaMigration Migration { get; protected init; }

    /// <summary>What this database is, for logs (never a password).</summary>
    public abstract string Description { get; }

    /// <summary>
    /// Holds a lock on <paramref name="name"/> until <paramref name="tx"/> ends, so two nodes cannot run the same
    /// check-then-write at once. Nothing to do where write transactions already run one at a time (SQLite).
    /// </summary>
    public async Task LockNameAsync(DbConnection db, DbTransaction tx, string name)
    {
        if (Sql.NamedLock is { } sql) await db.ExecuteAsync(sql, new { lockName = name }, tx);
    }

    /// <summary>Runs <paramref name="work"/> in a transaction of its own and commits it (rolled back when it throws).</summary>
    public async Task<T> InTransactionAsync<T>(Func<DbConnection, DbTransaction, Task<T>> work, CancellationToken cancellationToken = default)
    {
        await using var db = await OpenAsync(cancellationToken);
        await using var tx = await db.BeginTransactionAsync(cancellationToken);
        var result = await work(db, tx);
        await tx.CommitAsync(cancellationToken);
        return result;
    }

    /// <summary>The configured store: PostgreSQL when <c>RunHub:Store:Postgres</c> is set, else SQLite in the data folder.</summary>
    public static Database FromOptions(RunHubOptions options) =>
        string.IsNullOrWhiteSpace(options.Store.Postgres)
            ? new SqliteDatabase(RunHubApp.DataDirectory(options))
            : new PostgresDatabase(options.Store.Postgres);
}
