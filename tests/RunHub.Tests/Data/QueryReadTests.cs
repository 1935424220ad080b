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

    private static string Wire(TaskRecord task) =>
        JsonSerializer.Serialize(TaskObjectMapper.ToWire(task, key => "https://files.example/" + key), WireJson.Options);
}
