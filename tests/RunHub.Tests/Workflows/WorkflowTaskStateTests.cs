using RunHub.Tests.Support;

namespace RunHub.Tests.Workflows;

/// <summary>
/// The workflow API's calls about a task that waits in the queue (a server that serves the API but runs no tasks, so
/// it stays there): status, outputs (813), cancel, and the same task through the v2 query. No ComfyUI is contacted.
/// </summary>
public sealed class WorkflowTaskStateTests : IAsyncLifetime
{
    private TempDirectory _catalog = null!;
    private TestServer _server = null!;

    public async Task InitializeAsync()
    {
        _catalog = WorkflowFolder.Create("http://127.0.0.1:9");
        _server = await TestServer.StartAsync(new Dictionary<string, string?> { ["CatalogDir"] = _catalog.Path, ["Role"] = "api" });
    }

    public async Task DisposeAsync()
    {
        await _server.DisposeAsync();
        _catalog.Dispose();
    }

    [Fact]
    public async Task A_queued_run_is_813_then_FAILED_with_its_reservation_back_once_cancelled()
    {
        var v1 = new V1Caller(await _server.NewCallerAsync(balance: 1m));
        var taskId = (string)(await v1.CreateAsync(WorkflowFolder.WorkflowId, more: new { webhookUrl = "https://example.com/hook" }))["data"]!["taskId"]!;
        Assert.Equal(0.40m, await v1.Caller.BalanceAsync());

        Assert.Equal("QUEUED", (string)(await v1.StatusAsync(taskId))["data"]!);
        var queued = await v1.OutputsAsync(taskId);
        Assert.Equal(813, (int)queued["code"]!);
        Assert.Equal("APIKEY_TASK_IS_QUEUED", (string)queued["msg"]!);
        Assert.Equal("QUEUED", (string)(await v1.Caller.QueryAsync(taskId))["status"]!);

        Assert.Equal(0, (int)(await v1.PostAsync("/task/openapi/cancel", new { taskId }))["code"]!);
        Assert.Equal(0, (int)(await v1.PostAsync("/task/openapi/cancel", new { taskId }))["code"]!);

        Assert.Equal("FAILED", (string)(await v1.StatusAsync(taskId))["data"]!);
        var cancelled = await v1.OutputsAsync(taskId);
        Assert.Equal(805, (int)cancelled["code"]!);
        Assert.Equal("Cancelled", (string)cancelled["data"]!["failedReason"]!["exception_type"]!);
        Assert.Equal("cancelled at the caller's request", (string)cancelled["data"]!["failedReason"]!["exception_message"]!);
        Assert.Equal("CANCEL", (string)(await v1.Caller.QueryAsync(taskId))["status"]!);
        Assert.Equal(1m, await v1.Caller.BalanceAsync());
    }

    [Fact]
    public async Task Another_accounts_task_is_not_found_like_a_missing_one()
    {
        var owner = new V1Caller(await _server.NewCallerAsync(balance: 1m));
        var stranger = new V1Caller(await _server.NewCallerAsync(balance: 1m));
        var taskId = (string)(await owner.CreateAsync(WorkflowFolder.WorkflowId))["data"]!["taskId"]!;

        foreach (var path in new[] { "/task/openapi/status", "/task/openapi/outputs", "/task/openapi/cancel" })
        {
            var answer = await stranger.PostAsync(path, new { taskId });
            Assert.Equal(807, (int)answer["code"]!);
            Assert.Equal($"APIKEY_TASK_NOT_FOUND: task {taskId} not found", (string)answer["msg"]!);
            Assert.Equal(807, (int)(await owner.PostAsync(path, new { taskId = "2013508786110730241" }))["code"]!);
        }
        Assert.Equal("QUEUED", (string)(await owner.StatusAsync(taskId))["data"]!);
    }

    [Fact]
    public async Task The_workflow_graph_and_the_apps_inputs_are_there_to_read()
    {
        var v1 = new V1Caller(await _server.NewCallerAsync());

        var graph = await v1.PostAsync("/api/openapi/getJsonApiFormat", new { workflowId = WorkflowFolder.WorkflowId });
        var demo = System.Text.Json.Nodes.JsonNode.Parse(await v1.Caller.Http.GetStringAsync(
            $"/api/webapp/apiCallDemo?apiKey={v1.ApiKey}&webappId={WorkflowFolder.WebappId}"))!;

        Assert.Equal(0, (int)graph["code"]!);
        var prompt = System.Text.Json.Nodes.JsonNode.Parse((string)graph["data"]!["prompt"]!)!;
        Assert.Equal("ImageScaleBy", (string)prompt["20"]!["class_type"]!);
        Assert.Equal(0, (int)demo["code"]!);
        var nodes = demo["data"]!["nodeInfoList"]!.AsArray();
        Assert.Equal(["10.image", "20.scale_by", "20.upscale_method", "70.value", "50.noise_seed"],
            nodes.Select(n => $"{n!["nodeId"]}.{n["fieldName"]}"));
        var image = nodes[0]!;
        Assert.Equal(("LoadImage", "example.png", "IMAGE", "the photo"),
            ((string)image["nodeName"]!, (string)image["fieldValue"]!, (string)image["fieldType"]!, (string)image["description"]!));
        Assert.Equal("""["nearest-exact","bilinear","area"]""", (string)nodes[2]!["fieldData"]!);
        Assert.Equal("1.0", (string)nodes[1]!["fieldValue"]!);
        Assert.StartsWith($"curl -s -X POST '{_server.BaseUrl}/task/openapi/ai-app/run'", (string)demo["data"]!["curl"]!);
        Assert.Equal(901, (int)System.Text.Json.Nodes.JsonNode.Parse(await v1.Caller.Http.GetStringAsync($"/api/webapp/apiCallDemo?apiKey={v1.ApiKey}&webappId=42"))!["code"]!);
    }
}
