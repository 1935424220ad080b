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
    };

    private readonly string _connectionString;
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
            _connectionString = ConnectionString(Path);
            using var connection = OpenSqlite();
            SqliteSchema.Migrate(connection);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or SqliteException)
        {
            throw new StoreUnavailableException(
                $"cannot use the data folder {System.IO.Path.GetFullPath(dataDir)}: {e.Message.TrimEnd('.')}; check that it is a folder this user " +
                "may read and write, or choose another with --data DIR or RunHub__DataDir", e);
        }
        _hotReads = new Lazy<SqliteHotReads>(() => new SqliteHotReads(OpenSqlite));
    }

    private static string ConnectionString(string path) =>
        new SqliteConnectionStringBuilder
        {
            DataSource = path,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Cache = SqliteCacheMode.Private,
            Pooling = true,
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

    /// <summary>Runs on a connection that keeps the statement compiled (<see cref="SqliteHotReads"/>), completing at once.</summary>
    public override ValueTask<T?> ReadFirstAsync<T>(string sql, params (string Name, object? Value)[] parameters) where T : default =>
        ValueTask.FromResult(_hotReads.Value.ReadFirst<T>(sql, parameters));

    /// <summary>Closes the connections kept open for hot reads (the pool's own connections go back to the pool).</summary>
    public void Dispose()
    {
        if (_hotReads.IsValueCreated) _hotReads.Value.Dispose();
    }

    private SqliteConnection OpenSqlite()
    {
        var connection = new SqliteConnection(_connectionString);
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
