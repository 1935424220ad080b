using System.Data.Common;
using System.Runtime.CompilerServices;
using Dapper;
using Microsoft.Data.Sqlite;

namespace RunHub.Data;

/// <summary>
/// The embedded database: one SQLite file in the data folder, in WAL mode so readers never wait for the
/// writer and several processes (the server and the <c>runhub accounts</c> commands) can share it.
/// Write transactions are BEGIN IMMEDIATE (Microsoft.Data.Sqlite's default), so two writers queue on the
/// busy timeout instead of failing half-way.
/// </summary>
public sealed class SqliteDatabase : Database, IDisposable
{
    private static readonly SqlDialect Dialect = new()
    {
        ClaimLock = "",
        RowLock = "",
        NamedLock = null,
        GroupsCommits = true,
        CountQueuedInsert =
            "INSERT INTO account_queues AS q (account_id, queued) VALUES (@AccountId, 1) " +
            "ON CONFLICT (account_id) DO UPDATE SET queued = q.queued + 1",
    };

    private readonly string _connectionString;
    private readonly string _writerConnectionString;
    private readonly Lazy<SqliteHotReads> _hotReads;

    /// <summary>The database file's name in the data folder.</summary>
    public const string FileName = "runhub.db";

    /// <summary>Opens (creating when missing) the data folder's database and brings its schema up to date.</summary>
    /// <exception cref="StoreUnavailableException">The folder or its database cannot be created, read or written.</exception>
    public SqliteDatabase(string dataDir)
    {
        Path = System.IO.Path.GetFullPath(System.IO.Path.Combine(dataDir, FileName));
        IsNew = !File.Exists(Path);
        try
        {
            Directory.CreateDirectory(dataDir);
            _connectionString = ConnectionString(Path, pooling: true);
            _writerConnectionString = ConnectionString(Path, pooling: false);
            using var connection = OpenSqlite();
            Migration = SqliteSchema.Migrate(connection);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or SqliteException)
        {
            throw new StoreUnavailableException(
                $"cannot use the data folder {System.IO.Path.GetFullPath(dataDir)}: {e.Message.TrimEnd('.')}; check that it is a folder this user " +
                "may read and write, or choose another with --data DIR or RunHub__DataDir", e);
        }
        _hotReads = new Lazy<SqliteHotReads>(() => new SqliteHotReads(OpenSqlite));
    }

    private static string ConnectionString(string path, bool pooling) =>
        new SqliteConnectionStringBuilder
        {
            DataSource = path,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Cache = SqliteCacheMode.Private,
            Pooling = pooling,
            DefaultTimeout = 30,
        }.ToString();

    public string Path { get; }

    /// <summary>True when this process created the database file (a new data folder): <c>serve</c> says so at start.</summary>
    public bool IsNew { get; }

    public override SqlDialect Sql => Dialect;

    public override string Description => "SQLite " + Path;

    public override DbConnection Open() => OpenSqlite();

    /// <summary>Opens synchronously: Microsoft.Data.Sqlite has no asynchronous I/O, so this completes at once.</summary>
    public override ValueTask<DbConnection> OpenAsync(CancellationToken cancellationToken = default) => ValueTask.FromResult<DbConnection>(OpenSqlite());

    /// <summary>
    /// The group commit's connection, opened outside the pool (its settings never reach another user of the pool) with
    /// two settings of its own. Its statements stay compiled (<see cref="CompiledStatements"/>). Its statement journal
    /// is kept in memory (<c>temp_store = MEMORY</c>): after a refusal the operations of a batch run in savepoints
    /// (<see cref="GroupCommit"/>), and a savepoint copies each page it changes, as it was, into that journal so that
    /// the operation alone can be rolled back. On
    /// disk that journal was a temporary file opened and deleted per batch and written with two calls per page
    /// (about 15 pages per submit), more bytes than the write-ahead log itself; it is never read after a crash (an
    /// uncommitted batch is simply absent from the log), so keeping it in memory costs no durability
    /// (docs/performance.md).
    /// </summary>
    public override ValueTask<DbConnection> OpenWriterAsync()
    {
        var connection = OpenSqlite(_writerConnectionString);
        connection.Execute("PRAGMA temp_store = MEMORY;");
        CompiledStatements.KeepCompiled(connection);
        return ValueTask.FromResult<DbConnection>(connection);
    }

    /// <summary>Runs on a connection that keeps the statement compiled (<see cref="SqliteHotReads"/>), completing at once.</summary>
    public override ValueTask<T?> ReadFirstAsync<T>(string sql, params (string Name, object? Value)[] parameters) where T : default =>
        ValueTask.FromResult(_hotReads.Value.ReadFirst<T>(sql, parameters));

    /// <summary>Closes the connections kept open for hot reads (the pool's own connections go back to the pool).</summary>
    public void Dispose()
    {
        if (_hotReads.IsValueCreated) _hotReads.Value.Dispose();
    }

    private SqliteConnection OpenSqlite() => OpenSqlite(_connectionString);

    private static SqliteConnection OpenSqlite(string connectionString)
    {
        var connection = new SqliteConnection(connectionString);
        connection.Open();
        // Settings of the native connection: waiting on a busy database instead of failing, and enforcing
        // references. A pooled open hands back an already configured native connection, so they are applied
        // once per native connection rather than on every open (they were a measurable share of a query).
        if (Configured.TryAdd(connection.Handle!, Marker))
            connection.Execute("PRAGMA busy_timeout = 30000; PRAGMA foreign_keys = ON;");
        return connection;
    }

    private static readonly ConditionalWeakTable<SQLitePCL.sqlite3, object> Configured = new();
    private static readonly object Marker = new();
}
