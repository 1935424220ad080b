using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using RunHub.Accounts;
using RunHub.Client;
using RunHub.Data;
using RunHub.Files;
using RunHub.Tasks;
using RunHub.Tests.Support;
using SkiaSharp;

namespace RunHub.Tests.Workflows;

/// <summary>Workflow and AI-app runs through RunningHub's v1 and v2 APIs, on a real ComfyUI, as their clients see them.</summary>
[Collection(ComfyUiCollection.Name)]
public sealed class WorkflowRunTests : IAsyncLifetime
{
    private WorkflowServer _workflow = null!;
    private ComfyServer _comfy = null!;
    private TempDirectory _catalog = null!;
    private TestServer _server = null!;

    public async Task InitializeAsync()
    {
        _workflow = await WorkflowServer.StartAsync();
        (_comfy, _catalog, _server) = _workflow;
    }

    public async Task DisposeAsync()
    {
        await _workflow.DisposeAsync();
    }

    private static byte[] Photo(int width = 64, int height = 48) =>
        TestImages.Png(width, height, new SKColor((byte)Random.Shared.Next(256), (byte)Random.Shared.Next(256), (byte)Random.Shared.Next(256)));

    private static object Entry(string nodeId, string fieldName, object fieldValue) => new { nodeId, fieldName, fieldValue };

    [ComfyFact]
    public async Task A_v1_run_with_an_uploaded_image_reaches_ComfyUI_as_a_real_upload_and_is_billed_by_its_run_time()
    {
        var v1 = new V1Caller(await _server.NewCallerAsync(balance: 1m));
        var photo = Photo();
        var uploaded = await v1.UploadAsync(photo, "photo.png");
        var fileName = (string)uploaded["data"]!["fileName"]!;
        Assert.Matches("^api/[0-9a-f]{32}\\.png$", fileName);

        var created = await v1.CreateAsync(WorkflowFolder.WorkflowId, new[] { Entry("10", "image", fileName), Entry("20", "scale_by", "2") });
        Assert.Equal(0, (int)created["code"]!);
        var data = created["data"]!;
        Assert.Equal("QUEUED", (string)data["taskStatus"]!);
        Assert.Equal("", (string)data["netWssUrl"]!);
        Assert.Matches("^[0-9a-f]{32}$", (string)data["clientId"]!);
        var taskId = (string)data["taskId"]!;
        Assert.Equal(0.40m, await v1.Caller.BalanceAsync());

        var (done, _) = await v1.OutputsUntilDoneAsync(taskId);
        Assert.Equal(0, (int)done["code"]!);
        var output = Assert.Single(done["data"]!.AsArray())!;
        Assert.Equal("png", (string)output["fileType"]!);
        Assert.Equal("60", (string)output["nodeId"]!);
        var seconds = int.Parse((string)output["taskCostTime"]!);
        Assert.InRange(seconds, 1, 60);
        var charge = 0.01m * seconds;
        Assert.Equal(charge.ToString("0.00", System.Globalization.CultureInfo.InvariantCulture), (string)output["consumeMoney"]!);
        Assert.Equal(1m - charge, await v1.Caller.BalanceAsync());
        Assert.Equal("SUCCESS", (string)(await v1.StatusAsync(taskId))["data"]!);

        var png = await _server.Http.GetByteArrayAsync((string)output["fileUrl"]!);
        Assert.Equal((128, 96), TestImages.SizeOf(png));
        var graph = ComfyServer.GraphOf((await _comfy.LatestAsync()).Entry);
        Assert.Equal(photo, await File.ReadAllBytesAsync(Path.Combine(_comfy.InputDir, (string)graph["10"]!["inputs"]!["image"]!)));
        Assert.Equal(2, (double)graph["20"]!["inputs"]!["scale_by"]!);
    }

    [ComfyFact]
    public async Task A_run_counts_its_reservation_against_its_keys_spend_cap_and_settles_it_to_the_measured_price()
    {
        var caller = await _server.NewCallerAsync(balance: 1m);
        var policies = new KeyPolicies(_server.Services.GetRequiredService<Database>());
        Assert.Null((await policies.SetAsync(caller.ApiKey, new KeyPolicies.Change { SpendCap = Money.FromDecimal(5m).Millis })).Error);
        var v1 = new V1Caller(caller);
        var image = (string)(await v1.UploadAsync(Photo(), "photo.png"))["data"]!["fileName"]!;

        var taskId = (string)(await v1.CreateAsync(WorkflowFolder.WorkflowId, new[] { Entry("10", "image", image) }))["data"]!["taskId"]!;
        Assert.Equal(600, (await policies.FindAsync(caller.ApiKey)).Key!.Spent);
        var (done, _) = await v1.OutputsUntilDoneAsync(taskId);
        Assert.Equal(0, (int)done["code"]!);
        var charge = Money.FromDecimal(0.01m * int.Parse((string)Assert.Single(done["data"]!.AsArray())!["taskCostTime"]!));
        Assert.True(charge.Millis < 600, $"the run took the whole reservation: {charge}");
        // What the run did not use counts back, as it goes back to the wallet.
        Assert.Equal(charge.Millis, (await policies.FindAsync(caller.ApiKey)).Key!.Spent);
        Assert.Equal(1m - charge.ToDecimal(), await caller.BalanceAsync());
    }

    [ComfyFact]
    public async Task A_v2_run_is_a_task_object_that_query_and_the_v1_calls_both_follow()
    {
        var caller = await _server.NewCallerAsync(balance: 1m);
        var upload = await caller.UploadAsync(Photo(), "photo.png", "image/png");
        var url = (string)upload["data"]!["download_url"]!;

        var submitted = await caller.SubmitAsync("run/workflow/" + WorkflowFolder.WorkflowId, new { nodeInfoList = new[] { Entry("10", "image", url) } });
        Assert.Equal("QUEUED", (string)submitted["status"]!);
        var done = await caller.WaitAsync((string)submitted["taskId"]!);

        Assert.Equal("SUCCESS", (string)done["status"]!);
        var result = done["results"]!.AsArray().Single()!;
        Assert.Equal("60", (string)result["nodeId"]!);
        var usage = done["usage"]!;
        var seconds = int.Parse((string)usage["taskCostTime"]!);
        Assert.Equal((0.01m * seconds).ToString("0.00", System.Globalization.CultureInfo.InvariantCulture), (string)usage["consumeMoney"]!);
        var v1 = new V1Caller(caller);
        Assert.Equal("SUCCESS", (string)(await v1.StatusAsync((string)done["taskId"]!))["data"]!);
        Assert.Equal((string)result["url"]!, (string)(await v1.OutputsAsync((string)done["taskId"]!))["data"]![0]!["fileUrl"]!);
    }

    /// <summary>Before 2026-12-01 the run routes ignored <c>Idempotency-Key</c>: a client that sent a run again after losing its answer paid twice.</summary>
    [ComfyFact]
    public async Task A_run_sent_again_with_its_Idempotency_Key_returns_the_same_task_and_is_charged_once_on_both_families()
    {
        var caller = await _server.NewCallerAsync(balance: 2m);
        var url = (string)(await caller.UploadAsync(Photo(), "photo.png", "image/png"))["data"]!["download_url"]!;
        var run = new { nodeInfoList = new[] { Entry("10", "image", url) } };

        var (first, _) = await PostWithKeyAsync(caller, "/openapi/v2/run/workflow/" + WorkflowFolder.WorkflowId, "run-1", run);
        var (again, replayed) = await PostWithKeyAsync(caller, "/openapi/v2/run/workflow/" + WorkflowFolder.WorkflowId, "run-1", run);
        Assert.Equal("", (string)first["errorCode"]!);
        Assert.Equal((string)first["taskId"]!, (string)again["taskId"]!);
        Assert.True(replayed);
        var (other, _) = await PostWithKeyAsync(caller, "/openapi/v2/run/workflow/" + WorkflowFolder.WorkflowId, "run-1",
            new { nodeInfoList = new[] { Entry("10", "image", url), Entry("20", "scale_by", "2") } });
        Assert.Equal(RunHubErrorCodes.InvalidParameters, (string)other["errorCode"]!);
        Assert.Contains("Idempotency-Key 'run-1' was already used with a different request", (string)other["errorMessage"]!);

        // The v1 family's create, with its key in the body: the same run again is the same task.
        var v1Run = new { apiKey = caller.ApiKey, workflowId = WorkflowFolder.WorkflowId, nodeInfoList = run.nodeInfoList };
        var (v1First, _) = await PostWithKeyAsync(caller, "/task/openapi/create", "run-2", v1Run);
        var (v1Again, v1Replayed) = await PostWithKeyAsync(caller, "/task/openapi/create", "run-2", v1Run);
        Assert.Equal((string)v1First["data"]!["taskId"]!, (string)v1Again["data"]!["taskId"]!);
        Assert.True(v1Replayed);

        // Two runs, each charged once for what it used.
        var done = new[] { await caller.WaitAsync((string)first["taskId"]!), await caller.WaitAsync((string)v1First["data"]!["taskId"]!) };
        Assert.All(done, task => Assert.True((string)task["status"]! == "SUCCESS", task.ToJsonString()));
        var charged = done.Sum(task => decimal.Parse((string)task["usage"]!["consumeMoney"]!, System.Globalization.CultureInfo.InvariantCulture));
        // A second task of either run would have been charged too.
        Assert.Equal(2m - charged, await caller.BalanceAsync());
    }

    private static async Task<(JsonObject Answer, bool Replayed)> PostWithKeyAsync(ApiCaller caller, string path, string idempotencyKey, object body)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = JsonContent.Create(body) };
        request.Headers.Authorization = new("Bearer", caller.ApiKey);
        request.Headers.Add("Idempotency-Key", idempotencyKey);
        using var response = await caller.Http.SendAsync(request);
        var replayed = response.Headers.TryGetValues("Idempotent-Replayed", out var values) && values.Contains("true");
        return (JsonNode.Parse(await response.Content.ReadAsStringAsync())!.AsObject(), replayed);
    }

    [ComfyFact]
    public async Task An_app_run_sets_its_inputs_and_seeds_are_random_unless_the_caller_sets_one()
    {
        var v1 = new V1Caller(await _server.NewCallerAsync(balance: 2m));
        var image = (string)(await v1.UploadAsync(Photo(), "photo.png"))["data"]!["fileName"]!;

        var first = await v1.RunAppAsync(WorkflowFolder.WebappId, new[] { Entry("10", "image", image), Entry("70", "value", "a red door") });
        Assert.Equal(0, (int)(await v1.OutputsUntilDoneAsync((string)first["data"]!["taskId"]!)).Answer["code"]!);
        var firstGraph = ComfyServer.GraphOf((await _comfy.LatestAsync()).Entry);
        var second = await v1.RunAppAsync(WorkflowFolder.WebappId, new[] { Entry("10", "image", image), Entry("50", "noise_seed", "1231231") });
        Assert.Equal(0, (int)(await v1.OutputsUntilDoneAsync((string)second["data"]!["taskId"]!)).Answer["code"]!);
        var secondGraph = ComfyServer.GraphOf((await _comfy.LatestAsync()).Entry);

        Assert.Equal("a red door", (string)firstGraph["70"]!["inputs"]!["value"]!);
        Assert.NotEqual(42L, (long)firstGraph["50"]!["inputs"]!["noise_seed"]!);
        Assert.Equal(1231231L, (long)secondGraph["50"]!["inputs"]!["noise_seed"]!);
    }

    [ComfyFact]
    public async Task An_input_that_is_not_an_image_is_805_with_its_failedReason_refunded_and_counted_as_a_failed_fetch()
    {
        var v1 = new V1Caller(await _server.NewCallerAsync(balance: 1m));
        // The upload refuses what is not a media file, so the broken file is put in storage as an older upload could be.
        var notAnImage = $"api/{Guid.NewGuid():N}.png";
        await _server.Services.GetRequiredService<IFileStore>().PutAsync(notAnImage, "this is not a PNG"u8.ToArray(), CancellationToken.None);

        // RunHub probes what it fetches, so a broken upload fails before ComfyUI: 1013, refunded.
        var created = await v1.CreateAsync(WorkflowFolder.WorkflowId, new[] { Entry("10", "image", notAnImage) });
        var (failed, _) = await v1.OutputsUntilDoneAsync((string)created["data"]!["taskId"]!);

        Assert.Equal(805, (int)failed["code"]!);
        Assert.StartsWith("APIKEY_TASK_STATUS_ERROR:", (string)failed["msg"]!);
        Assert.Equal("1013", (string)failed["data"]!["failedReason"]!["errorCode"]!);
        Assert.Equal("FAILED", (string)(await v1.StatusAsync((string)created["data"]!["taskId"]!))["data"]!);
        Assert.Equal(1m, await v1.Caller.BalanceAsync());
        // Refunded, so it counts among the account's failed fetches, like a model's.
        var fetches = await _server.Services.GetRequiredService<FailedFetches>().CostSinceAsync(v1.Caller.AccountId, DateTimeOffset.UnixEpoch);
        Assert.Equal(1, fetches.Count);
    }

    [ComfyFact]
    public async Task A_node_that_raises_on_ComfyUI_names_itself_in_failedReason()
    {
        await using var server = await TestServer.StartAsync(new Dictionary<string, string?> { ["CatalogDir"] = _catalog.Path });
        var v1 = new V1Caller(await server.NewCallerAsync(balance: 1m));
        var image = (string)(await v1.UploadAsync(Photo(), "photo.png"))["data"]!["fileName"]!;

        // ImageScaleBy refuses no value here, but a scale that leaves no pixels makes ComfyUI's resize raise.
        var created = await v1.CreateAsync(WorkflowFolder.WorkflowId, new[] { Entry("10", "image", image), Entry("20", "scale_by", "0.01") });
        var (failed, _) = await v1.OutputsUntilDoneAsync((string)created["data"]!["taskId"]!);

        Assert.Equal(805, (int)failed["code"]!);
        var reason = failed["data"]!["failedReason"]!;
        Assert.Equal("20", (string)reason["node_id"]!);
        Assert.Equal("ImageScaleBy", (string)reason["node_name"]!);
        Assert.NotEqual("", (string)reason["exception_message"]!);
        Assert.Equal("", (string)reason["traceback"]!);
        Assert.Equal(1m, await v1.Caller.BalanceAsync());
    }

    [ComfyFact]
    public async Task A_graph_ComfyUI_refuses_fails_the_run_with_ComfyUIs_own_validation_answer_in_promptTips()
    {
        using var refused = WorkflowFolder.Create(_comfy.Url, registration: r => r["graph"]!["60"]!["inputs"]!.AsObject().Remove("filename_prefix"));
        await using var server = await TestServer.StartAsync(new Dictionary<string, string?> { ["CatalogDir"] = refused.Path });
        var caller = await server.NewCallerAsync(balance: 1m);
        var v1 = new V1Caller(caller);
        var image = (string)(await v1.UploadAsync(Photo(), "photo.png"))["data"]!["fileName"]!;

        var taskId = (string)(await v1.CreateAsync(WorkflowFolder.WorkflowId, new[] { Entry("10", "image", image) }))["data"]!["taskId"]!;
        var (failed, _) = await v1.OutputsUntilDoneAsync(taskId);
        var queried = await caller.QueryAsync(taskId);

        Assert.Equal(805, (int)failed["code"]!);
        Assert.Contains("node 60 (SaveImage)", (string)failed["msg"]!);
        var tips = JsonNode.Parse((string)queried["promptTips"]!)!;
        Assert.False((bool)tips["result"]!);
        Assert.Equal("prompt_outputs_failed_validation", (string)tips["error"]!["type"]!);
        Assert.Equal("Required input is missing: filename_prefix", (string)tips["error"]!["details"]!);
        Assert.Equal("SaveImage", (string)tips["node_errors"]!["60"]!["class_type"]!);
        Assert.Equal("required_input_missing", (string)tips["node_errors"]!["60"]!["errors"]![0]!["type"]!);
        Assert.Equal(1m, await caller.BalanceAsync());
    }

    [ComfyFact]
    public async Task Cancelling_a_running_run_stops_it_on_ComfyUI_and_gives_the_reservation_back()
    {
        using var slow = WorkflowFolder.Create(_comfy.Url, registration: r =>
        {
            r["graph"]!["40"]!["inputs"]!["steps"] = 1000;
            r["graph"]!["40"]!["inputs"]!["seconds_per_step"] = 0.1;
        });
        await using var server = await TestServer.StartAsync(new Dictionary<string, string?> { ["CatalogDir"] = slow.Path });
        var v1 = new V1Caller(await server.NewCallerAsync(balance: 1m));
        var image = (string)(await v1.UploadAsync(Photo(), "photo.png"))["data"]!["fileName"]!;
        var taskId = (string)(await v1.CreateAsync(WorkflowFolder.WorkflowId, new[] { Entry("10", "image", image) }))["data"]!["taskId"]!;

        await Poll.UntilAsync(async () => (await _comfy.QueueAsync()).Running.Count == 1, "one prompt running on ComfyUI");
        var promptId = (await _comfy.QueueAsync()).Running.Single();
        Assert.Equal(0, (int)(await v1.PostAsync("/task/openapi/cancel", new { taskId }))["code"]!);
        var (cancelled, _) = await v1.OutputsUntilDoneAsync(taskId);

        Assert.Equal(805, (int)cancelled["code"]!);
        Assert.Equal("Cancelled", (string)cancelled["data"]!["failedReason"]!["exception_type"]!);
        Assert.True(ComfyServer.WasInterrupted(await _comfy.UntilFinishedAsync(promptId)));
        Assert.Equal(1m, await v1.Caller.BalanceAsync());
    }

    [ComfyTheory]
    [InlineData(TestComfyUi.IgnoresInterruptId)]
    [InlineData(TestComfyUi.Oldest)]
    public async Task Cancelling_a_run_waiting_in_ComfyUIs_queue_removes_it_there_and_leaves_another_clients_running_prompt_alone(string version)
    {
        var comfy = await TestComfyUi.ServerAsync(version);
        await comfy.ResetAsync();
        using var catalog = WorkflowFolder.Create(comfy.Url);
        await using var server = await TestServer.StartAsync(new Dictionary<string, string?> { ["CatalogDir"] = catalog.Path });
        var v1 = new V1Caller(await server.NewCallerAsync(balance: 1m));
        var image = (string)(await v1.UploadAsync(Photo(), "photo.png"))["data"]!["fileName"]!;
        // Long enough for the run to queue behind it, short enough to end on its own: only then is it certain that
        // nothing interrupted it (0.3.45-0.3.56 interrupt whatever runs, whichever prompt_id /interrupt names). Its
        // 20 s of wall-clock steps outlast the submit and the cancel even on a saturated machine (6 s did not).
        var other = await comfy.QueueOtherClientsPromptAsync(steps: 200, secondsPerStep: 0.1);
        await comfy.UntilRunningAsync(other);

        var taskId = (string)(await v1.CreateAsync(WorkflowFolder.WorkflowId, new[] { Entry("10", "image", image) }))["data"]!["taskId"]!;
        await Poll.UntilAsync(async () => (await comfy.QueueAsync()).Pending.Count == 1, "one prompt pending on ComfyUI");
        var ours = (await comfy.QueueAsync()).Pending.Single();
        Assert.Equal(0, (int)(await v1.PostAsync("/task/openapi/cancel", new { taskId }))["code"]!);
        var (cancelled, _) = await v1.OutputsUntilDoneAsync(taskId);

        Assert.Equal(805, (int)cancelled["code"]!);
        Assert.Equal("Cancelled", (string)cancelled["data"]!["failedReason"]!["exception_type"]!);
        Assert.DoesNotContain(ours, (await comfy.QueueAsync()).Pending);
        Assert.False(ComfyServer.WasInterrupted(await comfy.UntilFinishedAsync(other)), $"ComfyUI {version}: the other client's prompt was interrupted");
        Assert.Null(await comfy.HistoryAsync(ours));
        Assert.Equal(1m, await v1.Caller.BalanceAsync());
    }

    [ComfyFact]
    public async Task Outputs_of_a_run_waiting_in_ComfyUIs_queue_are_804_then_its_files()
    {
        var other = await _comfy.QueueOtherClientsPromptAsync(steps: 1000, secondsPerStep: 0.1);
        await _comfy.UntilRunningAsync(other);
        var v1 = new V1Caller(await _server.NewCallerAsync(balance: 1m));
        var image = (string)(await v1.UploadAsync(Photo(), "photo.png"))["data"]!["fileName"]!;
        var taskId = (string)(await v1.CreateAsync(WorkflowFolder.WorkflowId, new[] { Entry("10", "image", image) }))["data"]!["taskId"]!;

        await Poll.UntilAsync(async () => (await _comfy.QueueAsync()).Pending.Count == 1, "one prompt pending on ComfyUI");
        var waiting = await v1.OutputsAsync(taskId);
        await _comfy.InterruptAsync(other);
        var (done, _) = await v1.OutputsUntilDoneAsync(taskId);

        Assert.Equal(804, (int)waiting["code"]!);
        Assert.Equal("APIKEY_TASK_IS_RUNNING", (string)waiting["msg"]!);
        Assert.Null(waiting["data"]);
        Assert.Equal(0, (int)done["code"]!);
    }
}
