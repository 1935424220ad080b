using System.Collections.Concurrent;
using System.Data;
using System.Data.Common;
using Dapper;
using Npgsql;

namespace RunHub.Data;

/// <summary>
/// The shared database of a cluster: any number of nodes use one PostgreSQL database (and schema, from the
/// connection string's <c>Search Path</c>, by default <c>public</c>) as their queue, ledger and account store.
/// Transactions run at PostgreSQL's default READ COMMITTED; the statements that must not race (the wallet
/// debit, the claim, the lease checks) are single guarded UPDATEs that PostgreSQL re-checks on the row it locks.
/// </summary>
public sealed class PostgresDatabase : Database, IDisposable
{
    private readonly NpgsqlDataSource _source;
    private readonly NpgsqlDataSource _reads;
    private readonly Lazy<NpgsqlDataSource> _listenerSource;

    public PostgresDatabase(string connectionString)
    {
        NpgsqlConnectionStringBuilder settings;
        try
        {
            settings = new NpgsqlConnectionStringBuilder(connectionString);
        }
        catch (ArgumentException e)
        {
            throw new StoreUnavailableException($"RunHub:Store:Postgres is not a valid PostgreSQL connection string: {e.Message}", e);
        }
        Description = $"PostgreSQL {settings.Host}:{settings.Port}/{settings.Database}";
        var named = NamedSettings(connectionString);
        ApplyDefaults(settings, named);
        _source = NpgsqlDataSource.Create(settings);
        _reads = ReadsSource(settings, named);
        // The listening connection carries a name of its own, so pg_stat_activity shows one per live worker node.
        _listenerSource = new Lazy<NpgsqlDataSource>(() => NpgsqlDataSource.Create(
            new NpgsqlConnectionStringBuilder(settings.ConnectionString) { ApplicationName = ListenerName, Pooling = false }));
        try
        {
            using var db = Open();
            Schema = db.ExecuteScalar<string?>("SELECT current_schema()")
                ?? throw new StoreUnavailableException($"{Description}: the search path names no existing schema");
            Migration = PostgresSchema.Migrate(db);
        }
        catch (NpgsqlException e)
        {
            _source.Dispose();
            _reads.Dispose();
            throw new StoreUnavailableException($"cannot use {Description} (RunHub:Store:Postgres): {e.Message}", e);
        }
        Channel = "runhub_tasks_" + Schema;
        Sql = new SqlDialect
        {
            ClaimLock = "FOR UPDATE SKIP LOCKED",
            RowLock = "FOR UPDATE",
            NamedLock = "SELECT pg_advisory_xact_lock(hashtextextended(@lockName, 0))",
            GroupsCommits = false,
            CountQueuedInsert = null,
        };
    }

    /// <summary>
    /// The pool's settings where the operator's connection string does not name them. <c>Max Auto Prepare</c>: Npgsql
    /// prepares the statements a connection runs often (after 5 uses), so PostgreSQL parses and plans each of them once
    /// per connection instead of on every request. <c>No Reset On Close</c>: a connection going back to the pool is not
    /// reset (<c>DISCARD ALL</c> or its prepared-statement-keeping equivalent, sent with its next use), which RunHub does not
    /// need: it sets no session state (its advisory locks are transaction-scoped, LISTEN has its own unpooled connection),
    /// and Npgsql still rolls back a transaction left open.
    /// </summary>
    private static void ApplyDefaults(NpgsqlConnectionStringBuilder settings, HashSet<string> named)
    {
        if (!named.Contains("maxautoprepare")) settings.MaxAutoPrepare = 64;
        if (!named.Contains("noresetonclose")) settings.NoResetOnClose = true;
    }

    /// <summary>
    /// The pool of <see cref="ReadFirstAsync{T}"/>'s single-statement reads: multiplexed (Npgsql's <c>Multiplexing</c>)
    /// unless the operator's connection string names <c>Multiplexing</c>. Each read is sent on whichever of the pool's
    /// connections is free and the reads of many requests at once are written to PostgreSQL together, so a backend
    /// answers several of them each time it wakes instead of one. Transactions and batches keep the plain pool
    /// (<see cref="_source"/>): a multiplexed connection holds no state between commands.
    /// </summary>
    private static NpgsqlDataSource ReadsSource(NpgsqlConnectionStringBuilder settings, HashSet<string> named) =>
        NpgsqlDataSource.Create(new NpgsqlConnectionStringBuilder(settings.ConnectionString)
        {
            Multiplexing = !named.Contains("multiplexing") || settings.Multiplexing,
        });

    /// <summary>The settings the operator's connection string names, lower case without spaces (<c>maxautoprepare</c>).</summary>
    private static HashSet<string> NamedSettings(string given) =>
        new DbConnectionStringBuilder { ConnectionString = given }.Keys.Cast<string>()
            .Select(k => k.Replace(" ", "", StringComparison.Ordinal).ToLowerInvariant()).ToHashSet();

    /// <summary>The schema the tables are in.</summary>
    public string Schema { get; }

    /// <summary>
    /// The LISTEN/NOTIFY channel on which submits wake idle workers. Notifications are per database, so the channel
    /// is named after the schema: two RunHub installations in one database do not wake each other.
    /// </summary>
    public string Channel { get; }

    /// <summary>The application name of the LISTEN connections of this store's nodes.</summary>
    public string ListenerName => "runhub listener " + Schema;

    public override SqlDialect Sql { get; }

    public override string Description { get; }

    public override DbConnection Open() => _source.OpenConnection();

    public override async ValueTask<DbConnection> OpenAsync(CancellationToken cancellationToken = default) =>
        await OpenPostgresAsync(cancellationToken);

    /// <summary>An open connection from the pool, as Npgsql's own type (for <see cref="StatementBatch.CommitAsync"/>).</summary>
    public ValueTask<NpgsqlConnection> OpenPostgresAsync(CancellationToken cancellationToken = default) =>
        _source.OpenConnectionAsync(cancellationToken);

    /// <summary>
    /// The first row of a read that runs on nearly every request (the query's task, a key check, an idle worker's look
    /// for work), or default when there is none. Sent with positional parameters (<see cref="PositionalSql"/>), so Npgsql
    /// does not scan the text again on every call, and read with a row mapper made once per SQL text (the columns of a
    /// statement never change) instead of Dapper's per-call set-up. Npgsql still prepares the statement after a few uses
    /// (<c>Max Auto Prepare</c>). Sent on the multiplexed pool (<see cref="ReadsSource"/>): outside any transaction, so a
    /// read sees what was committed before it started, as on its own pooled connection.
    /// </summary>
    public override async ValueTask<T?> ReadFirstAsync<T>(string sql, params (string Name, object? Value)[] parameters) where T : default
    {
        await using var command = _reads.CreateCommand(PositionalSql.Of(sql, parameters));
        foreach (var (_, value) in parameters) command.Parameters.Add(new NpgsqlParameter { Value = value ?? DBNull.Value });
        await using var rows = await command.ExecuteReaderAsync(CommandBehavior.SingleRow);
        if (!await rows.ReadAsync()) return default;
        if (typeof(T) == typeof(string) || typeof(T).IsPrimitive) return rows.IsDBNull(0) ? default : rows.GetFieldValue<T>(0);
        if (_rowParsers.TryGetValue(sql, out var kept) && kept is Func<DbDataReader, T> parser) return parser(rows);
        parser = rows.GetRowParser<T>();
        _rowParsers.TryAdd(sql, parser);
        return parser(rows);
    }

    private readonly ConcurrentDictionary<string, Delegate> _rowParsers = new(StringComparer.Ordinal);

    /// <summary>A connection of its own for LISTEN, held open by <see cref="PostgresQueueListener"/>.</summary>
    public Task<NpgsqlConnection> OpenListenerAsync(CancellationToken cancellationToken) =>
        _listenerSource.Value.OpenConnectionAsync(cancellationToken).AsTask();

    public void Dispose()
    {
        if (_listenerSource.IsValueCreated) _listenerSource.Value.Dispose();
        _reads.Dispose();
        _source.Dispose();
    }
}
