using System.Text.Json.Nodes;
using RunHub.Api;
using RunHub.Client;
using RunHub.Tasks;

namespace RunHub.Workflows.Api;

/// <summary>
/// Request and answer examples of the workflow and AI-app routes for the OpenAPI document, in RunningHub's shapes
/// (docs/workflows.md). The request records are the bodies the handlers read by hand.
/// </summary>
public static class WorkflowApiExamples
{
    private const string Key = "0123456789abcdef0123456789abcdef";
    private const string WorkflowId = "1904136902449209346";
    private const string WebappId = "1877265245566922753";

    /// <summary>One entry of a <c>nodeInfoList</c>: the node, its input, and the value to set.</summary>
    public sealed record NodeInfo(string NodeId, string FieldName, string FieldValue);

    /// <summary>The body of <c>/task/openapi/create</c>.</summary>
    public sealed record CreateBody(string ApiKey, string WorkflowId, IReadOnlyList<NodeInfo>? NodeInfoList, string? Workflow = null,
        string? WebhookUrl = null, string? InstanceType = null, bool? UsePersonalQueue = null, bool? AddMetadata = null, int? RetainSeconds = null);

    /// <summary>The body of <c>/task/openapi/ai-app/run</c>.</summary>
    public sealed record AppRunBody(string ApiKey, string WebappId, IReadOnlyList<NodeInfo> NodeInfoList, string? WebhookUrl = null);

    /// <summary>The body of the v2 run routes (Bearer key).</summary>
    public sealed record RunBody(IReadOnlyList<NodeInfo> NodeInfoList, string? WebhookUrl = null, string? InstanceType = null, bool? UsePersonalQueue = null);

    /// <summary>The body of status, outputs and cancel.</summary>
    public sealed record TaskBody(string ApiKey, string TaskId);

    /// <summary>The body of getJsonApiFormat.</summary>
    public sealed record WorkflowBody(string ApiKey, string WorkflowId);

    /// <summary>The upload form.</summary>
    public sealed record UploadForm(IFormFile File, string ApiKey, string? FileType);

    private static readonly IReadOnlyList<NodeInfo> Inputs =
        [new("10", "image", "api/9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08.png"), new("6", "text", "1 girl in classroom")];

    public static CreateBody Create { get; } = new(Key, WorkflowId, Inputs);
    public static AppRunBody AppRun { get; } = new(Key, WebappId, [new("122", "prompt", "1 golden haired girl in a classroom")]);
    public static RunBody Run { get; } = new(Inputs);
    public static TaskBody Task { get; } = new(Key, ApiExamples.TaskId);
    public static WorkflowBody Workflow { get; } = new(Key, WorkflowId);

    public static Envelope<RunEndpoints.CreatedTask> Created { get; } = Envelope<RunEndpoints.CreatedTask>.Success(
        new RunEndpoints.CreatedTask(ApiExamples.TaskId, TaskStatuses.Queued, "f828b9af25161bc066ef152db7b29ccc", "", PromptTips.Accepted));

    public static Envelope<object> BadNodeInfo { get; } = WorkflowApiAnswer.Error(RunHubErrorCodes.InvalidNodeInfo,
        "nodeInfoList[1] (node 6, field \"txt\"): node 6 (CLIPTextEncode) has no field \"txt\"; its fields: text, clip");

    public static Envelope<string> Status { get; } = Envelope<string>.Success(TaskStatuses.Running);

    public static Envelope<IReadOnlyList<WorkflowOutputs.Output>> Outputs { get; } = Envelope<IReadOnlyList<WorkflowOutputs.Output>>.Success(
        [new WorkflowOutputs.Output("http://127.0.0.1:5080/files/results/6b1d2f0e9a8c4b7d8e2f1a3c5b7d9e0f/0.png", "png", "12", "9", "0.03", null, null)]);

    public static Envelope<object> Running { get; } = WorkflowApiAnswer.State(RunHubErrorCodes.TaskRunning);

    public static Envelope<object> Failed { get; } = WorkflowApiAnswer.Error<object>(RunHubErrorCodes.TaskFailed,
        "ComfyUI failed in node 10 (LoadImage): UnidentifiedImageError: cannot identify image file",
        new { failedReason = new JsonObject
        {
            ["node_id"] = "10", ["node_name"] = "LoadImage", ["exception_type"] = "UnidentifiedImageError",
            ["exception_message"] = "cannot identify image file", ["traceback"] = "", ["current_inputs"] = "", ["current_outputs"] = "",
            ["errorCode"] = RunHubErrorCodes.GenerationFailed,
        } });

    public static Envelope<object> Done { get; } = new(0, "success", null);

    public static Envelope<UploadV1Endpoint.Uploaded> Uploaded { get; } = Envelope<UploadV1Endpoint.Uploaded>.Success(
        new UploadV1Endpoint.Uploaded("api/9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08.png", "input"));

    public static Envelope<InfoEndpoints.JsonApiFormat> Graph { get; } = Envelope<InfoEndpoints.JsonApiFormat>.Success(new(
        """{"6":{"class_type":"CLIPTextEncode","inputs":{"text":"1 girl in classroom","clip":["4",1]}}}"""));

    public static Envelope<InfoEndpoints.AppDemo> Demo { get; } = Envelope<InfoEndpoints.AppDemo>.Success(new(WebappId, "Portrait", "", [],
        [new InfoEndpoints.AppNodeInfo("122", "CLIPTextEncode", "prompt", "1 golden haired girl", null, "STRING", "prompt", "prompt")],
        $"curl -s -X POST 'http://127.0.0.1:5080/task/openapi/ai-app/run' -H 'Content-Type: application/json' -d '{{\"webappId\":\"{WebappId}\",...}}'"));

    public static TaskObject QueuedTask => ApiExamples.QueuedTask;
}
