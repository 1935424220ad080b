using System.Data.Common;
using Microsoft.Data.Sqlite;
using RunHub.Accounts;
using RunHub.Bench.Servers;
using RunHub.Data;

namespace RunHub.Bench.Stores;

/// <summary>The embedded default: <c>runhub.db</c> in the group's data folder, read beside the server in WAL mode.</summary>
internal sealed class SqliteBenchDatabase(string dataDir) : BenchDatabase(dataDir)
{
    public string Path => System.IO.Path.Combine(DataDir, "runhub.db");

    public override IReadOnlyDictionary<string, string> ServerEnvironment { get; } = new Dictionary<string, string>();

    public override async Task<DbConnection> OpenAsync()
    {
        var db = new SqliteConnection(new SqliteConnectionStringBuilder
        {
            DataSource = Path,
            Mode = SqliteOpenMode.ReadWrite,
            Pooling = false,
            DefaultTimeout = 30,
        }.ToString());
        await db.OpenAsync();
        return db;
    }

    /// <summary>In this process, with the server's own code (a child <c>dotnet</c> per account would add a second to every group).</summary>
    public override BenchAccount CreateAccount(string name, decimal balance)
    {
        var created = new AccountDirectory(new SqliteDatabase(DataDir), TimeProvider.System).CreateAsync(name, Money.FromDecimal(balance)).GetAwaiter().GetResult();
        // Leave no pooled connection of this process holding the server's database open.
        SqliteConnection.ClearAllPools();
        return new BenchAccount(created.AccountId, created.ApiKey);
    }
}
