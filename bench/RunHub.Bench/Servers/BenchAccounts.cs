using Microsoft.Data.Sqlite;
using RunHub.Accounts;
using RunHub.Store;

namespace RunHub.Bench.Servers;

/// <summary>An account of a bench server and its API key.</summary>
internal sealed record BenchAccount(string Id, string ApiKey)
{
    /// <summary>
    /// Creates the account in the data folder before the server starts, with the code <c>runhub accounts create</c>
    /// runs (in this process: a child <c>dotnet</c> per account would add a second of start-up to every group).
    /// A funded account exists, so the server creates no bootstrap account of its own.
    /// </summary>
    public static BenchAccount Create(string dataDir, string name, decimal balance)
    {
        var created = new AccountDirectory(new SqliteDatabase(dataDir)).Create(name, Money.FromDecimal(balance));
        // Leave no pooled connection of this process holding the server's database open.
        SqliteConnection.ClearAllPools();
        return new BenchAccount(created.AccountId, created.ApiKey);
    }

    /// <summary>Enough for millions of seed submits at 0.03 CNY: the wallet never refuses a measured submit.</summary>
    public const decimal HugeBalance = 1_000_000m;
}
