using System.Data.Common;
using Dapper;

namespace RunHub.Data;

/// <summary>
/// Where accounts, keys, the ledger and the task queue live: an embedded SQLite file (one machine) or a
/// PostgreSQL server that any number of nodes share (<c>RunHub:Store:Postgres</c>). The SQL is written once for
/// both; <see cref="Sql"/> carries the few places where the two really differ.
/// </summary>
public abstract class Database
{
    /// <summary>An open connection from the pool; dispose it to give it back.</summary>
    public abstract DbConnection Open();

    public abstract SqlDialect Sql { get; }

    /// <summary>
    /// The first row of a read that runs on nearly every request (a task by id, a key check), or default when there
    /// is none: one place where a store can keep such statements compiled. Parameters are named without the <c>@</c>.
    /// </summary>
    public virtual T? ReadFirst<T>(string sql, params ReadOnlySpan<(string Name, object? Value)> parameters)
    {
        var bound = new DynamicParameters();
        foreach (var (name, value) in parameters) bound.Add(name, value);
        using var db = Open();
        return db.QueryFirstOrDefault<T>(sql, bound);
    }

    /// <summary>What this database is, for logs (never a password).</summary>
    public abstract string Description { get; }

    /// <summary>
    /// Holds a lock on <paramref name="name"/> until <paramref name="tx"/> ends, so two nodes cannot run the same
    /// check-then-write at once. Nothing to do where write transactions already run one at a time (SQLite).
    /// </summary>
    public void LockName(DbConnection db, DbTransaction tx, string name)
    {
        if (Sql.NamedLock is { } sql) db.Execute(sql, new { lockName = name }, tx);
    }

    /// <summary>Tells idle workers of every node, once <paramref name="tx"/> commits, that a task can be claimed.</summary>
    public void AnnounceRunnable(DbConnection db, DbTransaction tx)
    {
        if (Sql.AnnounceRunnable is { } sql) db.Execute(sql, transaction: tx);
    }

    /// <summary>The configured store: PostgreSQL when <c>RunHub:Store:Postgres</c> is set, else SQLite in the data folder.</summary>
    public static Database FromOptions(RunHubOptions options) =>
        string.IsNullOrWhiteSpace(options.Store.Postgres)
            ? new SqliteDatabase(RunHubApp.DataDirectory(options))
            : new PostgresDatabase(options.Store.Postgres);
}
