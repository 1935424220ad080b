using System.Text.Json;
using Microsoft.Extensions.Options;
using RunHub.Accounts;
using RunHub.Api;
using RunHub.Client;
using RunHub.Files;
using RunHub.Tasks;

namespace RunHub.Workflows.Api;

/// <summary>
/// Starting a workflow or AI-app run, in both of RunningHub's API families:
/// <list type="bullet">
/// <item>v1 <c>POST /task/openapi/create {apiKey, workflowId, nodeInfoList?, workflow?, webhookUrl?, ...}</c> and
/// <c>POST /task/openapi/ai-app/run {apiKey, webappId, nodeInfoList, webhookUrl?}</c>, answering
/// <c>{code: 0, msg: "success", data: {taskId, taskStatus, clientId, netWssUrl, promptTips}}</c>;</item>
/// <item>v2 <c>POST /openapi/v2/run/workflow/{workflowId}</c> and <c>/openapi/v2/run/ai-app/{webappId}</c> with a Bearer
/// key and <c>{nodeInfoList, webhookUrl?, ...}</c>, answering the flat task object.</item>
/// </list>
/// A <c>webhookUrl</c> gets the task's end as RunningHub posts it: <c>TASK_END</c> with <c>eventData</c> in the form of the
/// family the run was started by — the v1 outputs answer, or the v2 task object (docs/webhooks.md).
/// <c>instanceType</c>, <c>usePersonalQueue</c>, <c>retainSeconds</c> and <c>addMetadata</c> are accepted and have no
/// effect (RunHub's servers are the operator's own). <c>netWssUrl</c> is empty: RunHub offers no progress socket.
/// </summary>
public static class RunEndpoints
{
    /// <summary>The <c>data</c> of a v1 create or run answer.</summary>
    public sealed record CreatedTask(string TaskId, string TaskStatus, string ClientId, string NetWssUrl, string PromptTips);

    public static Task<Envelope<object>> CreateAsync(HttpRequest request, RequestKeys keys, WorkflowSubmitter submitter, BodyLimits limits,
        IOptions<RunHubOptions> options) =>
        RunV1Async(request, keys, submitter, limits, options, "workflowId", app: false);

    public static Task<Envelope<object>> RunAppAsync(HttpRequest request, RequestKeys keys, WorkflowSubmitter submitter, BodyLimits limits,
        IOptions<RunHubOptions> options) =>
        RunV1Async(request, keys, submitter, limits, options, "webappId", app: true);

    private static async Task<Envelope<object>> RunV1Async(HttpRequest request, RequestKeys keys, WorkflowSubmitter submitter, BodyLimits limits,
        IOptions<RunHubOptions> options, string idField, bool app)
    {
        var (call, refusal) = await WorkflowApiCall.ReadAsync(request, keys, limits, limits.Json);
        if (call is null) return refusal!;
        using (call)
        {
            var id = call.Text(idField);
            if (string.IsNullOrWhiteSpace(id)) return WorkflowApiAnswer.Error(RunHubErrorCodes.ParamsInvalid, $"{idField}: required");
            var caller = new WorkflowSubmitter.Caller(call.Key, BaseUrl.Of(request, options.Value), WorkflowApiFamily.V1);
            var (runRequest, problem) = Read(request, call.Root, caller, app ? null : id.Trim(), app ? id.Trim() : null);
            if (problem is not null) return WorkflowApiAnswer.Error(RunHubErrorCodes.ParamsInvalid, problem);
            var result = await submitter.SubmitAsync(runRequest!, request.HttpContext.RequestAborted);
            MarkReplayed(request, result);
            if (result.Task is not { } task)
                return WorkflowApiAnswer.Error(result.ErrorCode == RunHubErrorCodes.SystemBusy ? RunHubErrorCodes.QueueMaxed : result.ErrorCode!, result.Error!);
            return Envelope<object>.Success(new CreatedTask(task.Id, task.Status, task.ClientId, "", task.PromptTips ?? PromptTips.Accepted));
        }
    }

    public static Task<TaskObject> RunWorkflowV2Async(string workflowId, HttpRequest request, RequestKeys keys, WorkflowSubmitter submitter,
        IOptions<RunHubOptions> options, FileLinks links, BodyLimits limits) =>
        RunV2Async(request, keys, submitter, options, links, limits, workflowId, null);

    public static Task<TaskObject> RunAppV2Async(string webappId, HttpRequest request, RequestKeys keys, WorkflowSubmitter submitter,
        IOptions<RunHubOptions> options, FileLinks links, BodyLimits limits) =>
        RunV2Async(request, keys, submitter, options, links, limits, null, webappId);

    private static async Task<TaskObject> RunV2Async(HttpRequest request, RequestKeys keys, WorkflowSubmitter submitter,
        IOptions<RunHubOptions> options, FileLinks links, BodyLimits limits, string? workflowId, string? webappId)
    {
        var key = await keys.CheckBearerAsync(request);
        if (key.Access is not { } access) return TaskObject.Error(key.Code(RunHubErrorCodes.InvalidApiKey), key.Message);

        var body = await limits.ReadAsync(request, limits.Json);
        if (body.Error is not null) return TaskObject.Error(body.ErrorCode!, body.Error);
        using var document = body.Document!;
        var caller = new WorkflowSubmitter.Caller(access, BaseUrl.Of(request, options.Value), WorkflowApiFamily.V2);
        var (runRequest, problem) = Read(request, document.RootElement, caller, workflowId?.Trim(), webappId?.Trim());
        if (problem is not null) return TaskObject.Error(RunHubErrorCodes.InvalidParameters, problem);

        var result = await submitter.SubmitAsync(runRequest!, request.HttpContext.RequestAborted);
        MarkReplayed(request, result);
        if (result.Task is { } task) return TaskObjectMapper.ToWire(task, BaseUrl.FileUrls(request, options.Value, links));
        // The v2 family's own codes where it has one; the workflow API's for what only it names (380, 901, 803, 433).
        return result.ErrorCode switch
        {
            RunHubErrorCodes.ParamsInvalid => TaskObject.Error(RunHubErrorCodes.InvalidParameters, result.Error!),
            RunHubErrorCodes.WalletTooLow or RunHubErrorCodes.InsufficientBalance => TaskObject.Error(RunHubErrorCodes.InsufficientBalance, result.Error!),
            RunHubErrorCodes.QueueMaxed => TaskObject.Error(RunHubErrorCodes.ConcurrencyLimit, result.Error!),
            RunHubErrorCodes.SystemBusy => TaskObject.Error(RunHubErrorCodes.SystemBusy, result.Error!),
            var code => TaskObject.Error(code!, WorkflowApiAnswer.Message(code!, result.Error!)),
        };
    }

    private static void MarkReplayed(HttpRequest request, WorkflowSubmitter.Result result)
    {
        if (result.Replayed) request.HttpContext.Response.Headers[IdempotencyKey.ReplayedHeader] = "true";
    }

    /// <summary>The run's fields of a request body: <c>nodeInfoList</c>, <c>workflow</c> (a string, or the graph itself), <c>webhookUrl</c>.</summary>
    private static (WorkflowSubmitter.Request? Request, string? Problem) Read(HttpRequest request, JsonElement root, WorkflowSubmitter.Caller caller,
        string? workflowId, string? webappId)
    {
        JsonElement? nodeInfoList = root.TryGetProperty("nodeInfoList", out var list) && list.ValueKind != JsonValueKind.Null ? list : null;
        string? own = null;
        if (root.TryGetProperty("workflow", out var workflow))
        {
            own = workflow.ValueKind switch
            {
                JsonValueKind.String when workflow.GetString() is { Length: > 0 } text => text,
                JsonValueKind.Object => workflow.GetRawText(),
                JsonValueKind.Null or JsonValueKind.String => null,
                _ => "",
            };
            if (own == "") return (null, "workflow: expected the workflow in API format as a JSON string");
        }
        string? webhook = null;
        if (root.TryGetProperty("webhookUrl", out var hook) && hook.ValueKind != JsonValueKind.Null)
        {
            if (hook.ValueKind != JsonValueKind.String) return (null, "webhookUrl: expected a URL string");
            webhook = hook.GetString()!.Trim();
        }
        if (IdempotencyKey.HeaderText(request.Headers[IdempotencyKey.Header], out var keyError) is not { } keyText) return (null, keyError);
        return (new WorkflowSubmitter.Request(caller, workflowId, webappId, nodeInfoList, own, webhook, keyText), null);
    }
}
