using RunHub.Client;
using RunHub.Tests.Client.Support;
using RunHub.Tests.Support;
using SkiaSharp;

namespace RunHub.Tests.Workflows;

/// <summary>
/// The SDK's <see cref="RunHubClient.RunWorkflowAsync"/> and <see cref="RunHubClient.RunAppAsync"/> against the real server
/// in front of a real ComfyUI: local files uploaded, inputs set, progress reported, outputs downloaded, refusals and
/// failures as <see cref="RunHubException"/> with RunningHub's codes.
/// </summary>
[Collection(ComfyUiCollection.Name)]
public sealed class WorkflowClientTests : IAsyncLifetime
{
    private readonly TempDirectory _files = new();
    private WorkflowServer _workflow = null!;
    private ComfyServer _comfy = null!;
    private TestServer _server = null!;

    public async Task InitializeAsync()
    {
        _workflow = await WorkflowServer.StartAsync();
        (_comfy, _, _server) = _workflow;
    }

    public async Task DisposeAsync()
    {
        await _workflow.DisposeAsync();
        _files.Dispose();
    }

    private string Photo(string name, int width = 64, int height = 48)
    {
        var path = Path.Combine(_files.Path, name);
        File.WriteAllBytes(path, TestImages.Png(width, height, new SKColor((byte)Random.Shared.Next(256), (byte)Random.Shared.Next(256), 90)));
        return path;
    }

    /// <summary>Collects every update in order, on the reporting thread (never posted elsewhere).</summary>
    private sealed class Updates : IProgress<TaskUpdate>
    {
        public List<TaskUpdate> Seen { get; } = [];

        public void Report(TaskUpdate value)
        {
            lock (Seen) Seen.Add(value);
        }
    }

    [ComfyFact]
    public async Task RunWorkflowAsync_uploads_a_local_image_sets_the_inputs_reports_progress_and_the_outputs_download()
    {
        var caller = await _server.NewCallerAsync(balance: 1m);
        using var client = Clients.For(_server, caller);
        var photo = Photo("photo.png");
        var updates = new Updates();

        var task = await client.RunWorkflowAsync(WorkflowFolder.WorkflowId,
            [NodeInfo.LocalFile("10", "image", photo), new NodeInfo("20", "scale_by", 2.0), new NodeInfo("70", "value", "a quiet harbour")],
            updates);

        Assert.True(task.IsSuccess);
        var result = Assert.Single(task.Results);
        Assert.Equal("60", result.NodeId);
        Assert.Equal(RunHubTaskStatus.Success, updates.Seen[^1].Status);
        Assert.All(updates.Seen, u => Assert.Equal(task.TaskId, u.TaskId));
        var seconds = task.Usage!.TaskCostTime!.Value;
        Assert.InRange(seconds, 1, 60);
        Assert.Equal(0.01m * seconds, task.Usage.ConsumeMoney);
        Assert.Equal(1m - 0.01m * seconds, await caller.BalanceAsync());

        var saved = Assert.Single(await client.DownloadResultsAsync(task, Path.Combine(_files.Path, "out")));
        Assert.Equal($"{task.TaskId}-0.png", Path.GetFileName(saved));
        Assert.Equal((128, 96), TestImages.SizeOf(await File.ReadAllBytesAsync(saved)));
        var graph = ComfyServer.GraphOf((await _comfy.LatestAsync()).Entry);
        Assert.Equal(await File.ReadAllBytesAsync(photo), await File.ReadAllBytesAsync(Path.Combine(_comfy.InputDir, (string)graph["10"]!["inputs"]!["image"]!)));
        Assert.Equal("a quiet harbour", (string)graph["70"]!["inputs"]!["value"]!);
    }

    [ComfyFact]
    public async Task RunAppAsync_sets_the_apps_inputs_and_keeps_a_seed_the_caller_sets()
    {
        var caller = await _server.NewCallerAsync(balance: 1m);
        using var client = Clients.For(_server, caller);

        var task = await client.RunAppAsync(WorkflowFolder.WebappId,
            [NodeInfo.LocalFile("10", "image", Photo("app.png")), new NodeInfo("20", "upscale_method", "area"), new NodeInfo("50", "noise_seed", 1231231L)]);

        Assert.True(task.IsSuccess);
        Assert.Equal("60", Assert.Single(task.Results).NodeId);
        var graph = ComfyServer.GraphOf((await _comfy.LatestAsync()).Entry);
        Assert.Equal("area", (string)graph["20"]!["inputs"]!["upscale_method"]!);
        Assert.Equal(1231231L, (long)graph["50"]!["inputs"]!["noise_seed"]!);
    }

    [ComfyFact]
    public async Task Refusals_are_RunHubExceptions_with_RunningHubs_codes_and_nothing_is_charged()
    {
        var caller = await _server.NewCallerAsync(balance: 1m);
        using var client = Clients.For(_server, caller);
        var photo = Photo("refused.png");

        var noNode = await Assert.ThrowsAsync<RunHubException>(() => client.RunWorkflowAsync(WorkflowFolder.WorkflowId,
            [NodeInfo.LocalFile("10", "image", photo), new NodeInfo("99", "text", "x")]));
        var noField = await Assert.ThrowsAsync<RunHubException>(() => client.RunWorkflowAsync(WorkflowFolder.WorkflowId,
            [new NodeInfo("20", "no_such_input", 1L)]));
        var noWorkflow = await Assert.ThrowsAsync<RunHubException>(() => client.RunWorkflowAsync("no-such-workflow"));
        var noApp = await Assert.ThrowsAsync<RunHubException>(() => client.RunAppAsync("no-such-app", []));
        var outsideLimits = await Assert.ThrowsAsync<RunHubException>(() => client.RunAppAsync(WorkflowFolder.WebappId,
            [NodeInfo.LocalFile("10", "image", photo), new NodeInfo("20", "scale_by", 5.0)]));

        Assert.Equal(RunHubErrorCodes.InvalidNodeInfo, noNode.ErrorCode);
        Assert.Contains("99", noNode.ErrorMessage);
        Assert.Equal(RunHubErrorCodes.InvalidNodeInfo, noField.ErrorCode);
        Assert.Contains("no_such_input", noField.ErrorMessage);
        Assert.Equal(RunHubErrorCodes.WorkflowNotFound, noWorkflow.ErrorCode);
        Assert.Equal(RunHubErrorCodes.AppNotFound, noApp.ErrorCode);
        Assert.Equal(RunHubErrorCodes.InvalidNodeInfo, outsideLimits.ErrorCode);
        Assert.Contains("scale_by", outsideLimits.ErrorMessage);
        Assert.All([noNode, noField, noWorkflow, noApp, outsideLimits], e => Assert.Null(e.TaskId));
        Assert.Equal(1m, await caller.BalanceAsync());

        var poor = await _server.NewCallerAsync(balance: 0.1m);
        using var poorClient = Clients.For(_server, poor);
        var tooPoor = await Assert.ThrowsAsync<RunHubException>(() => poorClient.RunWorkflowAsync(WorkflowFolder.WorkflowId, [NodeInfo.LocalFile("10", "image", photo)]));
        Assert.Equal(RunHubErrorCodes.InsufficientBalance, tooPoor.ErrorCode);
        Assert.Equal(0.1m, await poor.BalanceAsync());
    }

    [ComfyFact]
    public async Task A_missing_local_file_is_a_local_file_RunHubException_before_anything_is_uploaded_or_submitted()
    {
        var caller = await _server.NewCallerAsync(balance: 1m);
        using var client = Clients.For(_server, caller);
        var present = Photo("present.png");
        var missing = Path.Combine(_files.Path, "missing.png");

        var error = await Assert.ThrowsAsync<RunHubException>(() => client.RunWorkflowAsync(WorkflowFolder.WorkflowId,
            [NodeInfo.LocalFile("10", "image", present), NodeInfo.LocalFile("10", "image", missing)]));

        Assert.Equal(RunHubErrorCodes.LocalFile, error.ErrorCode);
        Assert.Contains(missing, error.ErrorMessage);
        Assert.False(error.IsRetryable);
        Assert.Empty((await client.ListTasksAsync()).Tasks);
        Assert.Empty(Directory.EnumerateFiles(_server.DataDir, "*.png", SearchOption.AllDirectories));
    }

    /// <summary>Before 2026-12-01 RunHub ignored <c>Idempotency-Key</c> on runs, so the SDK reported a lost answer instead of sending the run again.</summary>
    [ComfyFact]
    public async Task A_workflow_run_whose_answer_is_lost_is_sent_again_with_its_key_and_runs_and_is_charged_once()
    {
        var caller = await _server.NewCallerAsync(balance: 1m);
        var loser = new LoseFirstSubmitAnswer(new HttpClientHandler(), "/run/workflow/" + WorkflowFolder.WorkflowId);
        using var client = Clients.For(_server, caller, handler: loser);
        Assert.True(client.ServerHonoursIdempotencyKeys);

        var task = await client.RunWorkflowAsync(WorkflowFolder.WorkflowId, [NodeInfo.LocalFile("10", "image", Photo("lost.png"))]);

        Assert.True(task.IsSuccess);
        Assert.Equal(2, loser.SubmitKeys.Count);
        Assert.NotNull(loser.SubmitKeys[0]);
        Assert.Equal(loser.SubmitKeys[0], loser.SubmitKeys[1]);
        // The server had queued the run before its answer was lost: the second send found it rather than a second run.
        var listed = Assert.Single((await client.ListTasksAsync()).Tasks);
        Assert.Equal(task.TaskId, listed.Task.TaskId);
        Assert.Equal(1m - task.Usage!.ConsumeMoney!.Value, await caller.BalanceAsync());
    }

    [ComfyFact]
    public async Task A_run_whose_node_raises_on_ComfyUI_is_a_RunHubException_naming_the_node_with_the_task_and_the_money_back()
    {
        var caller = await _server.NewCallerAsync(balance: 1m);
        using var client = Clients.For(_server, caller);

        // A scale that leaves no pixels makes ComfyUI's resize raise in node 20.
        var error = await Assert.ThrowsAsync<RunHubException>(() => client.RunWorkflowAsync(WorkflowFolder.WorkflowId,
            [NodeInfo.LocalFile("10", "image", Photo("tiny.png")), new NodeInfo("20", "scale_by", "0.01")]));

        Assert.Equal(RunHubErrorCodes.GenerationFailed, error.ErrorCode);
        Assert.Contains("ImageScaleBy", error.ErrorMessage);
        Assert.NotNull(error.TaskId);
        Assert.True(error.TaskState!.IsFailed);
        Assert.Equal(1m, await caller.BalanceAsync());
    }
}
