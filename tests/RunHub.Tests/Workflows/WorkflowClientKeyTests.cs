using Dapper;
using Microsoft.Extensions.DependencyInjection;
using RunHub.Client;
using RunHub.Data;
using RunHub.Tests.Client.Support;

namespace RunHub.Tests.Workflows;

/// <summary>
/// The SDK's run submits with the caller's own <c>Idempotency-Key</c>: the same run sent again under it (a restarted
/// program) is the same task, reserved once. No ComfyUI is contacted: the workflow's server is a closed port (a task
/// that reaches it fails and is refunded, so what is counted is the reservations).
/// </summary>
public sealed class WorkflowClientKeyTests : IAsyncLifetime
{
    private OfflineWorkflowServer _offline = null!;

    public async Task InitializeAsync() => _offline = await OfflineWorkflowServer.StartAsync();

    public async Task DisposeAsync() => await _offline.DisposeAsync();

    /// <summary>Before 2026-12-01 the run submits took no key of the caller's: each call was a new run, reserved again.</summary>
    [Fact]
    public async Task A_workflow_run_and_an_app_run_sent_again_with_the_callers_key_are_the_same_tasks_reserved_once()
    {
        var caller = await _offline.Server.NewCallerAsync(balance: 2m);
        using var client = Clients.For(_offline.Server, caller);
        var values = new[] { new NodeInfo("20", "scale_by", 2.0) };

        var run = await client.SubmitWorkflowAsync(WorkflowFolder.WorkflowId, values, idempotencyKey: "nightly-1");
        var runAgain = await client.SubmitWorkflowAsync(WorkflowFolder.WorkflowId, values, idempotencyKey: "nightly-1");
        var app = await client.SubmitAppAsync(WorkflowFolder.WebappId, idempotencyKey: "nightly-2");
        var appAgain = await client.SubmitAppAsync(WorkflowFolder.WebappId, idempotencyKey: "nightly-2");
        var other = await Assert.ThrowsAsync<RunHubException>(() =>
            client.SubmitWorkflowAsync(WorkflowFolder.WorkflowId, [new NodeInfo("20", "scale_by", 3.0)], idempotencyKey: "nightly-1"));

        Assert.Equal(run.TaskId, runAgain.TaskId);
        Assert.Equal(app.TaskId, appAgain.TaskId);
        Assert.NotEqual(run.TaskId, app.TaskId);
        Assert.Equal("1007", other.ErrorCode);
        using var db = _offline.Server.Services.GetRequiredService<Database>().Open();
        Assert.Equal(2, db.ExecuteScalar<long>("SELECT count(*) FROM tasks WHERE account_id = @AccountId", new { caller.AccountId }));
        Assert.Equal(2, db.ExecuteScalar<long>("SELECT count(*) FROM ledger WHERE account_id = @AccountId AND kind = 'reserve'", new { caller.AccountId }));
    }
}
