using System.Data.Common;
using RunHub.Bench.Servers;

namespace RunHub.Bench.Stores;

/// <summary>
/// The store one scenario group's server runs on, fresh for the group: its SQLite file in the group's data folder,
/// or a database of its own on the PostgreSQL server the run was pointed at (dropped afterwards). The bench reads
/// task times from it directly and creates the bench accounts in it before the server starts.
/// </summary>
internal abstract class BenchDatabase(string dataDir) : IAsyncDisposable
{
    public string DataDir { get; } = dataDir;

    /// <summary>What the server process needs in its environment to use this store (nothing for SQLite, the default).</summary>
    public abstract IReadOnlyDictionary<string, string> ServerEnvironment { get; }

    /// <summary>
    /// An open connection for the bench's own reads of the tasks table. Asynchronous, like every database call of the
    /// bench: its sockets complete inline (Program.cs), so a synchronous call to PostgreSQL made in a continuation would
    /// wait on the very thread that must complete it.
    /// </summary>
    public abstract Task<DbConnection> OpenAsync();

    /// <summary>An account with a wallet and its API key, created the way <c>runhub accounts create</c> does.</summary>
    public abstract BenchAccount CreateAccount(string name, decimal balance);

    public virtual ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
