using Dapper;
using RunHub.Accounts;
using RunHub.Tasks;
using RunHub.Tests.Data;

namespace RunHub.Tests.Webhooks;

/// <summary>The outbox row is written by the transaction that ends the task, and only by the claim that holds it.</summary>
public sealed class WebhookOutboxTests
{
    [Theory, SqliteStore, PostgresStore]
    public async Task A_tasks_end_and_its_webhook_delivery_are_written_together_and_a_stale_lease_writes_neither(StoreKind kind)
    {
        using var store = new TestStore(kind);
        await using var node = new Node(store.Database);
        var account = await node.Accounts.CreateAsync("outbox", Money.FromDecimal(1m));
        var hooked = (await node.Queue.SubmitAsync(account.AccountId, "test/model", "{}", Money.FromDecimal(0.1m),
            context: new SubmitContext("https://example.com/hook", "https://runhub.example.com"))).Task!;
        var plain = (await node.SubmitAsync(account.AccountId, Money.FromDecimal(0.1m))).Task!;

        var stale = (await node.Queue.ClaimAsync("dead", TimeSpan.FromSeconds(-1)))!;
        var current = (await node.Queue.ClaimAsync("live", TimeSpan.FromMinutes(5)))!;
        Assert.Equal((hooked.Id, hooked.Id), (stale.Task.Id, current.Task.Id));
        Assert.Null(await stale.FinishAsync(new RunOutcome.Failed("1015", "stale")));
        using var db = store.Database.Open();
        Assert.Equal(0, db.ExecuteScalar<long>("SELECT count(*) FROM webhook_deliveries"));

        Assert.Equal(TaskStatuses.Success, await current.FinishAsync(new RunOutcome.Succeeded("[]", null)));
        var row = db.QuerySingle<(string TaskId, string Url, string Status, long Attempts)>(
            "SELECT task_id, url, status, attempts FROM webhook_deliveries");
        Assert.Equal((hooked.Id, "https://example.com/hook", "PENDING", 0L), row);

        var other = (await node.Queue.ClaimAsync("live", TimeSpan.FromMinutes(5)))!;
        Assert.Equal(plain.Id, other.Task.Id);
        await other.FinishAsync(new RunOutcome.Succeeded("[]", null));
        Assert.Equal(1, db.ExecuteScalar<long>("SELECT count(*) FROM webhook_deliveries"));
    }

    [Theory, SqliteStore, PostgresStore]
    public async Task Cancelling_a_queued_task_writes_its_webhook_delivery(StoreKind kind)
    {
        using var store = new TestStore(kind);
        await using var node = new Node(store.Database);
        var account = await node.Accounts.CreateAsync("cancel", Money.FromDecimal(1m));
        var task = (await node.Queue.SubmitAsync(account.AccountId, "test/model", "{}", Money.FromDecimal(0.1m),
            context: new SubmitContext("https://example.com/hook"))).Task!;

        var cancelled = await new TaskCancellation(store.Database, new RunHub.Files.LocalFileStore(Path.Combine(store.DataDir, "files")), TimeProvider.System).RequestAsync(account.AccountId, task.Id);

        Assert.Equal(CancelOutcome.Cancelled, cancelled.Outcome);
        using var db = store.Database.Open();
        Assert.Equal(task.Id, db.ExecuteScalar<string>("SELECT task_id FROM webhook_deliveries WHERE status = 'PENDING'"));
    }
}
