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
        ApplyDefaults(settings, connectionString);
        _source = NpgsqlDataSource.Create(settings);
        // The listening connection carries a name of its own, so pg_stat_activity shows one per live worker node.
        _listenerSource = new Lazy<NpgsqlDataSource>(() => NpgsqlDataSource.Create(
            new NpgsqlConnectionStringBuilder(settings.ConnectionString) { ApplicationName = ListenerName, Pooling = false }));
        try
        {
            using var db = Open();
            Schema = db.ExecuteScalar<string?>("SELECT current_schema()")
                ?? throw new StoreUnavailableException($"{Description}: the search path names no existing schema");
            PostgresSchema.Migrate(db);
        }
        catch (NpgsqlException e)
        {
            _source.Dispose();
            throw new StoreUnavailableException($"cannot use {Description} (RunHub:Store:Postgres): {e.Message}", e);
        }
        Channel = "runhub_tasks_" + Schema;
        Sql = new SqlDialect
        {
            ClaimLock = "FOR UPDATE SKIP LOCKED",
            RowLock = "FOR UPDATE",
            NamedLock = "SELECT pg_advisory_xact_lock(hashtextextended(@lockName, 0))",
            GroupsCommits = false,
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
    private static void ApplyDefaults(NpgsqlConnectionStringBuilder settings, string given)
    {
        var named = new DbConnectionStringBuilder { ConnectionString = given }.Keys.Cast<string>()
            .Select(k => k.Replace(" ", "", StringComparison.Ordinal).ToLowerInvariant()).ToHashSet();
        if (!named.Contains("maxautoprepare")) settings.MaxAutoPrepare = 64;
        if (!named.Contains("noresetonclose")) settings.NoResetOnClose = true;
    }

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
        await _source.OpenConnectionAsync(cancellationToken);

    /// <summary>A connection of its own for LISTEN, held open by <see cref="PostgresQueueListener"/>.</summary>
    public Task<NpgsqlConnection> OpenListenerAsync(CancellationToken cancellationToken) =>
        _listenerSource.Value.OpenConnectionAsync(cancellationToken).AsTask();

    public void Dispose()
    {
        if (_listenerSource.IsValueCreated) _listenerSource.Value.Dispose();
        _source.Dispose();
    }
}
