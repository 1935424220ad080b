using System.Text.Json.Nodes;
using RunHub.Tests.Support;

namespace RunHub.Tests.Workflows;

/// <summary>
/// A workflow or app run that does not fit is refused before anything is charged or queued, with RunningHub's code and
/// a message naming the node and the field. No ComfyUI is contacted: the workflow's server here is a closed port.
/// </summary>
public sealed class NodeInfoRefusalTests : IAsyncLifetime
{
    private OfflineWorkflowServer _offline = null!;

    public async Task InitializeAsync() => _offline = await OfflineWorkflowServer.StartAsync();

    public async Task DisposeAsync() => await _offline.DisposeAsync();

    private TestServer Server => _offline.Server;

    private V1Caller V1 => _offline.V1;

    private static object Entry(string nodeId, string fieldName, object? fieldValue) => new { nodeId, fieldName, fieldValue };

    private async Task<JsonObject> RefusedAsync(Func<Task<JsonObject>> call, int code)
    {
        var answer = await call();
        Assert.Equal(code, (int)answer["code"]!);
        Assert.Null(answer["data"]);
        Assert.Equal(1m, await V1.Caller.BalanceAsync());
        return answer;
    }

    [Fact]
    public async Task A_node_the_workflow_lacks_is_803_naming_it_and_listing_the_nodes()
    {
        var answer = await RefusedAsync(() => V1.CreateAsync(WorkflowFolder.WorkflowId, new[] { Entry("99", "text", "x") }), 803);

        Assert.Equal("APIKEY_INVALID_NODE_INFO: nodeInfoList[0] (node 99, field \"text\"): workflow 1904136902449209346 has no node \"99\"; its nodes: 10, 20, 40, 50, 60, 70",
            (string)answer["msg"]!);
    }

    [Fact]
    public async Task A_list_of_more_entries_than_allowed_is_301_counting_them()
    {
        var entries = Enumerable.Range(0, 600).Select(i => Entry("20", "scale_by", i)).ToArray();

        var answer = await RefusedAsync(() => V1.CreateAsync(WorkflowFolder.WorkflowId, entries), 301);

        Assert.Equal("PARAMS_INVALID: nodeInfoList: 600 entries, more than the 500 allowed", (string)answer["msg"]!);
    }

    [Fact]
    public async Task A_field_the_node_lacks_is_803_naming_node_and_field_and_listing_its_fields()
    {
        var answer = await RefusedAsync(() => V1.CreateAsync(WorkflowFolder.WorkflowId, new[] { Entry("20", "scale", "2") }), 803);

        Assert.Contains("node 20 (ImageScaleBy) has no field \"scale\"; its fields: image, upscale_method, scale_by", (string)answer["msg"]!);
    }

    [Fact]
    public async Task A_link_cannot_be_set_and_a_value_of_the_wrong_kind_is_refused_each_named()
    {
        var answer = await RefusedAsync(() => V1.CreateAsync(WorkflowFolder.WorkflowId, new[]
        {
            Entry("20", "image", "x"), Entry("20", "scale_by", "twice"), Entry("40", "steps", true),
        }), 803);

        var message = (string)answer["msg"]!;
        Assert.Contains("(node 20, field \"image\"): it is a link from node 10, not a value; it cannot be set", message);
        Assert.Contains("(node 20, field \"scale_by\"): expected a number, got \"twice\"", message);
        Assert.Contains("(node 40, field \"steps\"): expected a number, got true", message);
    }

    [Fact]
    public async Task A_media_value_that_is_neither_an_upload_here_nor_a_url_is_803()
    {
        var answer = await RefusedAsync(() => V1.CreateAsync(WorkflowFolder.WorkflowId, new[] { Entry("10", "image", "api/0000.png") }), 803);

        Assert.Contains("(node 10, field \"image\"): \"api/0000.png\" is neither a file uploaded to this server (POST /task/openapi/upload) nor an http(s) URL",
            (string)answer["msg"]!);
    }

    [Fact]
    public async Task An_app_takes_only_the_inputs_it_exposes_within_their_limits()
    {
        var answer = await RefusedAsync(() => V1.RunAppAsync(WorkflowFolder.WebappId, new[]
        {
            Entry("40", "steps", "3"), Entry("20", "scale_by", "5"), Entry("20", "upscale_method", "lanczos"), Entry("70", "value", new string('x', 101)),
        }), 803);

        var message = (string)answer["msg"]!;
        Assert.Contains("(node 40, field \"steps\"): app 1877265245566922753 does not let callers set it; it takes 10.image (IMAGE), 20.scale_by (FLOAT)", message);
        Assert.Contains("(node 20, field \"scale_by\"): \"5\" is more than the maximum 2", message);
        Assert.Contains("(node 20, field \"upscale_method\"): \"lanczos\" is not one of \"nearest-exact\", \"bilinear\", \"area\"", message);
        Assert.Contains("(node 70, field \"value\"): the text is longer than 100 characters", message);
    }

    [Fact]
    public async Task Unknown_workflows_and_apps_and_keys_get_their_own_codes()
    {
        Assert.Equal("WORKFLOW_NOT_EXISTS: no workflow \"42\" on this server", (string)(await RefusedAsync(() => V1.CreateAsync("42"), 380))["msg"]!);
        Assert.StartsWith("WEBAPP_NOT_EXISTS:", (string)(await RefusedAsync(() => V1.RunAppAsync("42", Array.Empty<object>()), 901))["msg"]!);
        Assert.StartsWith("PARAMS_INVALID: workflowId: required", (string)(await RefusedAsync(() => V1.PostAsync("/task/openapi/create", new { }), 301))["msg"]!);
        Assert.StartsWith("APIKEY_UNAUTHORIZED:", (string)(await RefusedAsync(() => V1.PostAsync("/task/openapi/create",
            new { apiKey = "0123456789abcdef0123456789abcdef", workflowId = WorkflowFolder.WorkflowId }), 802))["msg"]!);
        Assert.StartsWith("PARAMS_INVALID: nodeInfoList: expected an array", (string)(await RefusedAsync(() =>
            V1.PostAsync("/task/openapi/create", new { workflowId = WorkflowFolder.WorkflowId, nodeInfoList = "10" }), 301))["msg"]!);
    }

    [Fact]
    public async Task A_callers_own_graph_is_refused_unless_the_registration_allows_it()
    {
        var answer = await RefusedAsync(() => V1.CreateAsync(WorkflowFolder.WorkflowId, more: new { workflow = "{}" }), 301);

        Assert.Contains("workflow 1904136902449209346 runs its registered graph only", (string)answer["msg"]!);
    }

    [Fact]
    public async Task A_callers_own_graph_with_a_name_given_twice_or_an_unpaired_surrogate_is_433_naming_where_at_submit()
    {
        await using var offline = await OfflineWorkflowServer.StartAsync(registration: r => r["allowCustomWorkflow"] = true);
        var v1 = offline.V1;
        const string twice = """{"20": {"class_type": "ImageScaleBy", "inputs": {"scale_by": 2, "scale_by": 3}}}""";
        const string surrogate = """{"20": {"class_type": "ImageScaleBy", "inputs": {"upscale_method": "a \udc00"}}}""";

        // Before, the first was a 1005 internal error at submit and the second was queued and failed with 1005 when it ran.
        var first = await v1.CreateAsync(WorkflowFolder.WorkflowId, more: new { workflow = twice });
        var second = await v1.CreateAsync(WorkflowFolder.WorkflowId, more: new { workflow = surrogate });
        var v2 = await v1.Caller.SubmitAsync("run/workflow/" + WorkflowFolder.WorkflowId, new { workflow = JsonNode.Parse(twice.Replace("\"scale_by\": 3", "\"scale_by\": 4", StringComparison.Ordinal)) });

        Assert.Equal(433, (int)first["code"]!);
        Assert.Contains("workflow: 20.inputs.scale_by: given more than once in one object", (string)first["msg"]!);
        Assert.Equal(433, (int)second["code"]!);
        Assert.Contains("workflow: 20.inputs.upscale_method: holds an unpaired surrogate escape (\\uDC00)", (string)second["msg"]!);
        Assert.Equal("433", (string)v2["errorCode"]!);
        Assert.Equal(1m, await v1.Caller.BalanceAsync());
    }

    [Fact]
    public async Task The_v2_run_routes_refuse_with_the_flat_task_object_and_the_workflow_codes()
    {
        var caller = V1.Caller;
        var badNode = await caller.SubmitAsync("run/workflow/" + WorkflowFolder.WorkflowId, new { nodeInfoList = new[] { Entry("99", "text", "x") } });
        var noApp = await caller.SubmitAsync("run/ai-app/42", new { nodeInfoList = Array.Empty<object>() });

        Assert.Equal("803", (string)badNode["errorCode"]!);
        Assert.Equal("", (string)badNode["taskId"]!);
        Assert.StartsWith("APIKEY_INVALID_NODE_INFO: nodeInfoList[0] (node 99", (string)badNode["errorMessage"]!);
        Assert.Equal("901", (string)noApp["errorCode"]!);
        Assert.Equal(1m, await caller.BalanceAsync());
    }

    /// <summary>Before 2026-12-01 two <c>Idempotency-Key</c> headers became one key <c>a,b</c> and the run was queued and charged.</summary>
    [Fact]
    public async Task A_run_with_the_Idempotency_Key_header_sent_twice_is_refused_on_both_families()
    {
        var caller = V1.Caller;
        var v2 = await PostWithKeysAsync("/openapi/v2/run/workflow/" + WorkflowFolder.WorkflowId, new { nodeInfoList = Array.Empty<object>() });
        var v1 = await PostWithKeysAsync("/task/openapi/create", new { apiKey = caller.ApiKey, workflowId = WorkflowFolder.WorkflowId });

        Assert.Equal("1007", v2.GetProperty("errorCode").GetString());
        Assert.Contains("Idempotency-Key: sent 2 times; send it once", v2.GetProperty("errorMessage").GetString());
        Assert.Equal(301, v1.GetProperty("code").GetInt32());
        Assert.Contains("Idempotency-Key: sent 2 times; send it once", v1.GetProperty("msg").GetString());
        Assert.Equal(1m, await caller.BalanceAsync());
    }

    private async Task<System.Text.Json.JsonElement> PostWithKeysAsync(string path, object body) =>
        (await RawHttp.SendAsync(Server.BaseUrl, path, HeaderTwice.Lines("Idempotency-Key", "run-a", "run-b", V1.Caller.ApiKey),
            System.Text.Json.JsonSerializer.SerializeToUtf8Bytes(body), TimeSpan.FromSeconds(30))).Body;

    [Fact]
    public async Task A_wallet_that_cannot_cover_the_longest_run_is_416_and_nothing_is_queued()
    {
        var poor = new V1Caller(await Server.NewCallerAsync(balance: 0.5m));

        var answer = await poor.CreateAsync(WorkflowFolder.WorkflowId);

        Assert.Equal(416, (int)answer["code"]!);
        Assert.Contains("reserves 0.60 CNY (0.01 CNY/s, up to 60 s)", (string)answer["msg"]!);
        Assert.Equal(0.5m, await poor.Caller.BalanceAsync());
    }
}
