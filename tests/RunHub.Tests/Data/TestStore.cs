using System.Security.Cryptography;
using Dapper;
using Npgsql;
using RunHub.Data;
using RunHub.Tests.Support;

namespace RunHub.Tests.Data;

/// <summary>
/// An empty store of one kind for one test: SQLite in a temporary data folder, or a fresh schema in the test
/// PostgreSQL database (dropped on dispose). <see cref="OpenNode"/> gives another node's view of the same store.
/// </summary>
public sealed class TestStore : IDisposable
{
    private readonly TempDirectory _data = new();
    private readonly List<Database> _opened = [];
    private readonly string? _schema;

    public TestStore(StoreKind kind)
    {
        Kind = kind;
        if (kind == StoreKind.Postgres)
        {
            _schema = "t_" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(6));
            using (var admin = new NpgsqlConnection(TestServices.PostgresConnectionString))
            {
                admin.Open();
                admin.Execute($"CREATE SCHEMA {_schema}");
            }
            ConnectionString = new NpgsqlConnectionStringBuilder(TestServices.PostgresConnectionString) { SearchPath = _schema }.ToString();
        }
    }

    public StoreKind Kind { get; }

    /// <summary>The data folder (SQLite's database and, for both kinds, the local file store).</summary>
    public string DataDir => _data.Path;

    /// <summary>The PostgreSQL connection string (its search path is this test's schema); null for SQLite.</summary>
    public string? ConnectionString { get; }

    /// <summary>The first node's database, opened (and so migrated) on first use.</summary>
    public Database Database => _first ??= OpenNode();

    private Database? _first;

    /// <summary>Configuration keys under RunHub for a server on this store (TestServer settings).</summary>
    public Dictionary<string, string?> ServerSettings =>
        ConnectionString is null ? new() : new() { ["Store:Postgres"] = ConnectionString };

    /// <summary>Environment for a <c>runhub</c> child process on this store.</summary>
    public Dictionary<string, string> ProcessEnvironment =>
        ConnectionString is null ? new() : new() { ["RunHub__Store__Postgres"] = ConnectionString };

    /// <summary>A separate connection pool on the same store, as another node (or process) has.</summary>
    public Database OpenNode()
    {
        Database database = ConnectionString is null ? new SqliteDatabase(DataDir) : new PostgresDatabase(ConnectionString);
        lock (_opened) _opened.Add(database);
        return database;
    }

    public void Dispose()
    {
        foreach (var database in _opened) (database as IDisposable)?.Dispose();
        if (_schema is not null)
        {
            using var admin = new NpgsqlConnection(TestServices.PostgresConnectionString);
            admin.Open();
            admin.Execute($"DROP SCHEMA {_schema} CASCADE");
        }
        _data.Dispose();
    }
}
