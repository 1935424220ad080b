using Microsoft.Extensions.Options;
using RunHub.Accounts;
using RunHub.Data;
using RunHub.Limits;
using RunHub.Tasks;

namespace RunHub.Tests.Data;

/// <summary>A node's view of a test store: its own connection pool, queue and group commit, as a separate process has.</summary>
public sealed class Node : IAsyncDisposable
{
    public Node(Database database, LimitsOptions? limits = null)
    {
        Database = database;
        Commits = new GroupCommit(database);
        // The accounts' own limits are read on every submit (no cache), as a server with KeyCacheSeconds 0 does.
        Queue = new TaskQueue(database, Commits, new TaskSignal(), TimeProvider.System,
            limits: new AccountLimits(database, Options.Create(new RunHubOptions { Limits = limits ?? new LimitsOptions(), KeyCacheSeconds = 0 }), TimeProvider.System));
        Accounts = new AccountDirectory(database, TimeProvider.System);
    }

    public Database Database { get; }
    public GroupCommit Commits { get; }
    public TaskQueue Queue { get; }
    public AccountDirectory Accounts { get; }

    public static List<Node> Open(TestStore store, int count, LimitsOptions? limits = null) =>
        Enumerable.Range(0, count).Select(_ => new Node(store.OpenNode(), limits)).ToList();

    public Task<SubmitResult> SubmitAsync(string accountId, Money price, IdempotencyKey? key = null) =>
        Queue.SubmitAsync(accountId, "test/model", """{"prompt":"a lighthouse"}""", price, key);

    public ValueTask DisposeAsync() => Commits.DisposeAsync();
}
