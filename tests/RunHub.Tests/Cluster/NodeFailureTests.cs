using Dapper;
using RunHub.Accounts;
using RunHub.Tests.Data;
using RunHub.Tests.Support;

namespace RunHub.Tests.Cluster;

/// <summary>
/// Three nodes on one PostgreSQL and one bucket: A only answers the API, B and C also run tasks (and answer the API,
/// so tasks can be queried on any live node). Tasks submitted to A run on B or C; B is killed with SIGKILL while it
/// holds tasks mid-run, and C takes them over once their leases lapse.
/// </summary>
public sealed class NodeFailureTests
{
    private const string Model = "rhart-image-g-1.5/text-to-image";

    [ClusterFact]
    public async Task Tasks_of_a_worker_node_killed_mid_run_still_succeed_on_another_node_and_are_charged_once()
    {
        using var store = new TestStore(StoreKind.Postgres);
        await using var cluster = new ClusterNodes(store);
        var worker = new Dictionary<string, string>
        {
            ["RunHub__Role"] = "all",
            ["RunHub__Engines__Sandbox__DelayMs"] = "1500",
            ["RunHub__Queue__Workers"] = "3",
            ["RunHub__Queue__LeaseSeconds"] = "3",
            ["RunHub__Queue__PollMilliseconds"] = "250",
        };
        var nodes = await cluster.StartAsync(new() { ["RunHub__Role"] = "api" }, worker, new(worker));
        var (a, b, c) = (nodes[0], nodes[1], nodes[2]);

        var account = await new AccountDirectory(store.Database, TimeProvider.System).CreateAsync("cluster", Money.FromDecimal(5m));
        using var http = new HttpClient { BaseAddress = new Uri(a.BaseUrl), Timeout = TimeSpan.FromSeconds(30) };
        var onA = new ApiCaller(http, account.AccountId, account.ApiKey);
        var taskIds = new List<string>();
        for (var i = 0; i < 12; i++)
        {
            var submitted = await onA.SubmitAsync(Model, new { prompt = "survive a node failure " + i, aspectRatio = "1:1" });
            Assert.Equal("", (string)submitted["errorCode"]!);
            taskIds.Add((string)submitted["taskId"]!);
        }

        // Kill B while it is in the middle of some of them.
        using var db = store.Database.Open();
        var bOwner = $"%-{b.ProcessId}-%";
        var heldByB = await Poll.ForAsync(
            () => Task.FromResult(db.Query<string>("SELECT id FROM tasks WHERE status = 'RUNNING' AND lease_owner LIKE @bOwner", new { bOwner }).ToList()),
            held => held.Count > 0, _ => "node B to start a task:\n" + b.Output, TimeSpan.FromSeconds(60), TimeSpan.FromMilliseconds(20));
        await b.KillAsync();

        using var httpC = new HttpClient { BaseAddress = new Uri(c.BaseUrl), Timeout = TimeSpan.FromSeconds(30) };
        var onC = new ApiCaller(httpC, account.AccountId, account.ApiKey);
        for (var i = 0; i < taskIds.Count; i++)
        {
            // Queried on either node that still serves the API.
            var done = await (i % 2 == 0 ? onA : onC).WaitAsync(taskIds[i], TimeSpan.FromSeconds(90));
            Assert.Equal("SUCCESS", (string)done["status"]!);
        }
        // A result written by a worker node is served by the API node from the shared bucket.
        var result = (string)(await onA.QueryAsync(taskIds[0]))["results"]![0]!["url"]!;
        var png = await http.GetByteArrayAsync(result);
        Assert.Equal(new byte[] { 0x89, (byte)'P', (byte)'N', (byte)'G' }, png[..4]);
        foreach (var id in heldByB)
            Assert.True(db.ExecuteScalar<long>("SELECT attempts FROM tasks WHERE id = @id", new { id }) >= 2, $"task {id} was not run again");

        var price = db.ExecuteScalar<long>("SELECT price FROM tasks WHERE id = @id", new { id = taskIds[0] });
        var kinds = db.Query<(string TaskId, string Kind)>("SELECT task_id, kind FROM ledger WHERE task_id IS NOT NULL").ToList();
        foreach (var id in taskIds)
            Assert.Equal(["reserve", "settle"], kinds.Where(k => k.TaskId == id).Select(k => k.Kind).Order().ToList());
        var (sum, held, balance) = db.QuerySingle<(long, long, long)>(
            "SELECT CAST(sum(amount) AS BIGINT), CAST(sum(held) AS BIGINT), (SELECT balance FROM accounts WHERE id = @AccountId) FROM ledger WHERE account_id = @AccountId",
            account);
        Assert.Equal(5000 - price * taskIds.Count, balance);
        Assert.Equal(balance, sum);
        Assert.Equal(0, held);
    }
}
