using System.Text.Json;
using System.Text.Json.Nodes;
using RunHub.Tests.Support;
using RunHub.Tests.Workflows;

namespace RunHub.Tests.Webhooks;

/// <summary>
/// Webhooks of workflow and AI-app runs: a run's <c>webhookUrl</c> gets <c>TASK_END</c>, its <c>eventData</c> in the form
/// of the API family that started the run (v1: the outputs answer; v2: the task object). An API-only node runs nothing,
/// so the runs stay queued until the test cancels them; no ComfyUI is contacted.
/// </summary>
public sealed class WorkflowWebhookTests : IAsyncLifetime
{
    private TempDirectory _catalog = null!;
    private TestServer _server = null!;
    private V1Caller _v1 = null!;

    public async Task InitializeAsync()
    {
        _catalog = WorkflowFolder.Create("http://127.0.0.1:9");
        _server = await TestServer.StartAsync(new Dictionary<string, string?>
        {
            ["CatalogDir"] = _catalog.Path,
            ["Role"] = "api",
            ["Media:AllowPrivateNetworks"] = "true",
            ["Webhooks:PollMilliseconds"] = "50",
        });
        _v1 = new V1Caller(await _server.NewCallerAsync(balance: 1m));
    }

    public async Task DisposeAsync()
    {
        await _server.DisposeAsync();
        _catalog.Dispose();
    }

    [Fact]
    public async Task A_v1_workflow_run_posts_TASK_END_with_eventData_in_the_form_of_its_outputs_answer()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        var created = await _v1.CreateAsync(WorkflowFolder.WorkflowId, more: new { webhookUrl = receiver.Url });
        Assert.Equal(0, (int)created["code"]!);
        var taskId = (string)created["data"]!["taskId"]!;

        Assert.Equal(0, (int)(await _v1.PostAsync("/task/openapi/cancel", new { taskId }))["code"]!);
        var received = await receiver.NextAsync();

        var body = JsonNode.Parse(received.Body)!.AsObject();
        Assert.Equal(["event", "taskId", "eventData"], body.Select(p => p.Key));
        Assert.Equal(("TASK_END", taskId), ((string)body["event"]!, (string)body["taskId"]!));
        // The same JSON the v1 outputs call answers for the ended task: 805 with the cancel as the failed reason.
        var eventData = JsonNode.Parse((string)body["eventData"]!)!;
        Assert.Equal(805, (int)eventData["code"]!);
        Assert.Equal("Cancelled", (string)eventData["data"]!["failedReason"]!["exception_type"]!);
        var outputs = await _v1.OutputsAsync(taskId);
        Assert.True(JsonNode.DeepEquals(outputs, eventData), $"eventData {eventData.ToJsonString()} differs from outputs {outputs.ToJsonString()}");
    }

    [Fact]
    public async Task A_v1_ai_app_run_posts_TASK_END_in_the_v1_form()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        var run = await _v1.PostAsync("/task/openapi/ai-app/run",
            new { webappId = WorkflowFolder.WebappId, nodeInfoList = Array.Empty<object>(), webhookUrl = receiver.Url });
        Assert.Equal(0, (int)run["code"]!);
        var taskId = (string)run["data"]!["taskId"]!;

        await _v1.PostAsync("/task/openapi/cancel", new { taskId });
        var eventData = JsonNode.Parse((string)JsonNode.Parse((await receiver.NextAsync()).Body)!["eventData"]!)!;

        Assert.Equal(805, (int)eventData["code"]!);
        Assert.NotNull(eventData["data"]!["failedReason"]);
    }

    [Fact]
    public async Task A_v2_workflow_run_posts_TASK_END_with_the_task_object()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        var caller = _v1.Caller;
        var submitted = await caller.PostAsync($"/openapi/v2/run/workflow/{WorkflowFolder.WorkflowId}",
            JsonSerializer.Serialize(new { webhookUrl = receiver.Url }));
        Assert.Equal("", (string)submitted["errorCode"]!);
        var taskId = (string)submitted["taskId"]!;

        await _v1.PostAsync("/task/openapi/cancel", new { taskId });
        var eventData = JsonNode.Parse((string)JsonNode.Parse((await receiver.NextAsync()).Body)!["eventData"]!)!.AsObject();

        Assert.Equal((taskId, "CANCEL"), ((string)eventData["taskId"]!, (string)eventData["status"]!));
        Assert.True(JsonNode.DeepEquals(await caller.QueryAsync(taskId), eventData));
    }

    [Fact]
    public async Task A_run_with_a_webhookUrl_that_is_not_an_http_URL_is_refused_301_with_nothing_charged()
    {
        var created = await _v1.CreateAsync(WorkflowFolder.WorkflowId, more: new { webhookUrl = "ftp://example.com/hook" });

        Assert.Equal(301, (int)created["code"]!);
        Assert.Contains("webhookUrl", (string)created["msg"]!);
        Assert.Equal(1m, await _v1.Caller.BalanceAsync());
    }
}
