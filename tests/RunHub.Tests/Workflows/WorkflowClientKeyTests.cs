using RunHub.Client;
using RunHub.Tests.Client.Support;

namespace RunHub.Tests.Workflows;

/// <summary>
/// The SDK's run submits with the caller's own <c>Idempotency-Key</c>: the same run sent again under it (a restarted
/// program) is the same task, reserved once. The server takes runs but starts none (<c>--role api</c>), so every task
/// stays QUEUED with its price reserved; no ComfyUI is contacted.
/// </summary>
public sealed class WorkflowClientKeyTests : IAsyncLifetime
{
    private OfflineWorkflowServer _offline = null!;

    public async Task InitializeAsync() => _offline = await OfflineWorkflowServer.StartAsync(new Dictionary<string, string?> { ["Role"] = "api" });

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
        // Two runs reserved, each once: 0.60 CNY each (0.01 CNY/s, up to 60 s).
        Assert.Equal(0.8m, await caller.BalanceAsync());
    }
}
