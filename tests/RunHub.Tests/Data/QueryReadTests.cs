using System.Text.Json;
using RunHub.Accounts;
using RunHub.Api;
using RunHub.Tasks;
using RunHub.Wire;

namespace RunHub.Tests.Data;

/// <summary>
/// The query endpoint's read (<see cref="TaskQueue.FindWithQueuePositionAsync"/>) reads only the columns the task object is
/// built from: in every state a task can be in, the task object it gives is the one the whole row gives.
/// </summary>
public sealed class QueryReadTests
{
    [Theory, SqliteStore, PostgresStore]
    public async Task The_query_read_gives_the_same_task_object_as_the_whole_row_in_every_state(StoreKind kind)
    {
        using var store = new TestStore(kind);
        await using var node = new Node(store.Database);
        var account = await node.Accounts.CreateAsync("query", Money.FromDecimal(1m));
        var ids = new List<string>();
        for (var i = 0; i < 5; i++) ids.Add((await node.SubmitAsync(account.AccountId, Money.FromDecimal(0.01m))).Task!.Id);

        var succeeded = (await node.Queue.ClaimAsync("node", TimeSpan.FromMinutes(5)))!;
        Assert.Equal(TaskStatuses.Success, await succeeded.FinishAsync(new RunOutcome.Succeeded(
            """[{"Key":"outputs/a.png","OutputType":"png","Text":null},{"Key":null,"OutputType":"txt","Text":"a lighthouse"}]""",
            """{"gpu_seconds":3}""")));
        var failed = (await node.Queue.ClaimAsync("node", TimeSpan.FromMinutes(5)))!;
        Assert.Equal(TaskStatuses.Failed, await failed.FinishAsync(new RunOutcome.Failed(RunHub.Client.RunHubErrorCodes.TaskFailed, "the workflow failed",
            """{"result": false, "error": {"type": "prompt_outputs_failed_validation"}, "node_errors": {}}""",
            """{"node_id":"3","node_type":"KSampler","exception_type":"RuntimeError","exception_message":"out of memory"}""")));
        var running = (await node.Queue.ClaimAsync("node", TimeSpan.FromMinutes(5)))!;
        Assert.True(await running.ReportProgressAsync("""{"percent":50}"""));

        foreach (var id in ids)
        {
            var whole = (await node.Queue.FindAsync(account.AccountId, id))!;
            var read = (await node.Queue.FindWithQueuePositionAsync(account.AccountId, id))!;
            Assert.Equal(Wire(whole), Wire(read));
            Assert.Equal(await node.Queue.QueuePositionAsync(whole), read.QueuePosition);
        }
        var places = new List<long?>();
        foreach (var id in ids[3..]) places.Add((await node.Queue.FindWithQueuePositionAsync(account.AccountId, id))!.QueuePosition);
        Assert.Equal([1L, 2L], places);
        Assert.Null(await node.Queue.FindWithQueuePositionAsync("someone else", ids[0]));
    }

    [Theory, SqliteStore, PostgresStore]
    public async Task Each_of_many_reads_at_once_gives_its_own_task_and_its_place_in_its_own_accounts_queue(StoreKind kind)
    {
        using var store = new TestStore(kind);
        await using var node = new Node(store.Database);
        var first = await node.Accounts.CreateAsync("first", Money.FromDecimal(1m));
        var second = await node.Accounts.CreateAsync("second", Money.FromDecimal(1m));
        var submitted = new List<(string AccountId, string Id)>();
        foreach (var account in new[] { first, second, first, first, second, first, second, first })
            submitted.Add((account.AccountId, (await node.SubmitAsync(account.AccountId, Money.FromDecimal(0.01m))).Task!.Id));
        var started = (await node.Queue.ClaimAsync("node", TimeSpan.FromMinutes(5)))!.Task.Id;
        // The place counted by hand: 1 + the account's tasks submitted earlier and still waiting; none for the started one.
        var expected = submitted.Select((task, i) => task.Id == started ? (long?)null
            : 1 + submitted.Take(i).Count(earlier => earlier.AccountId == task.AccountId && earlier.Id != started)).ToList();
        Assert.Contains(started, new[] { submitted[0].Id, submitted[1].Id });   // the head of one of the two queues

        // Rounds of 32 reads at once, past the five runs after which PostgreSQL plans a prepared statement generically:
        // every answer must be the task asked for, with its own place.
        for (var round = 0; round < 8; round++)
        {
            var asked = Enumerable.Range(0, 32).Select(i => submitted[(i + round) % submitted.Count]).ToList();
            var read = await Task.WhenAll(asked.Select(task => node.Queue.FindWithQueuePositionAsync(task.AccountId, task.Id).AsTask()));
            for (var i = 0; i < asked.Count; i++)
            {
                Assert.Equal(asked[i].Id, read[i]!.Id);
                Assert.Equal(asked[i].AccountId, read[i]!.AccountId);
                Assert.Equal(expected[submitted.IndexOf(asked[i])], read[i]!.QueuePosition);
            }
        }
    }

    private static string Wire(TaskRecord task) =>
        JsonSerializer.Serialize(TaskObjectMapper.ToWire(task, key => "https://files.example/" + key), WireJson.Options);
}
