using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using RunHub.Catalog;
using RunHub.Wire;

namespace RunHub.Workflows;

/// <summary>
/// What a workflow or AI-app task runs, as stored in the task's <c>parameters</c>: the workflow (and app) it was
/// submitted for, the node input values checked at submit (the caller's, and the seeds RunHub drew), the media files
/// to upload to ComfyUI before it runs, a caller's own graph when the workflow allows one, and the price the task's
/// charge was reserved under (a later change of the registration does not change this task's bill).
/// </summary>
public sealed record WorkflowTaskParameters
{
    public required string WorkflowId { get; init; }
    public string? WebappId { get; init; }
    public required IReadOnlyList<NodeValue> Values { get; init; }
    public required IReadOnlyList<NodeMedia> Media { get; init; }

    /// <summary>A caller's own graph (API format JSON) run in place of the registered one, or null.</summary>
    public string? Workflow { get; init; }

    public required decimal PricePerSecond { get; init; }
    public required int MaxSeconds { get; init; }

    /// <summary>The webhook a caller asked for (the task's <c>webhook_url</c> is what is delivered; kept here as asked).</summary>
    public string? WebhookUrl { get; init; }

    /// <summary>The API family the run was started by: its webhook's <c>eventData</c> is in that family's form (null: v1).</summary>
    [JsonConverter(typeof(JsonStringEnumConverter<WorkflowApiFamily>))]
    public WorkflowApiFamily? Family { get; init; }

    public WorkflowPrice Price => new(PricePerSecond, MaxSeconds);

    public string ToJson() => JsonSerializer.Serialize(this, WireJson.Options);

    /// <exception cref="JsonException">The text is not such parameters.</exception>
    public static WorkflowTaskParameters Parse(string json) =>
        JsonSerializer.Deserialize<WorkflowTaskParameters>(json, WireJson.Options) ?? throw new JsonException("null workflow task parameters");
}

/// <summary>RunningHub's two API families for workflow and AI-app runs.</summary>
public enum WorkflowApiFamily
{
    /// <summary><c>/task/openapi/create</c>, <c>/task/openapi/ai-app/run</c>: answers in <c>{code, msg, data}</c> envelopes.</summary>
    V1,
    /// <summary><c>/openapi/v2/run/workflow|ai-app/{id}</c>: answers the flat task object.</summary>
    V2,
}

/// <summary>A value for one node input (a number, a text or true/false, typed as the input takes it).</summary>
public sealed record NodeValue(string NodeId, string FieldName, JsonNode? Value);

/// <summary>
/// A media file for one node input: <see cref="Source"/> is the key of a file uploaded to RunHub (<c>api/…png</c>), of
/// an inline <c>data:</c> input stored at submit (<c>inputs/…png</c>), or an http(s) URL (tasks queued before inline
/// inputs were stored may still hold a data URL); it is fetched and uploaded to the ComfyUI server when the task runs.
/// </summary>
public sealed record NodeMedia(string NodeId, string FieldName, string Source,
    [property: JsonConverter(typeof(JsonStringEnumConverter<ParameterType>))] ParameterType Type)
{
    public bool IsStoredFile => !Source.Contains(':', StringComparison.Ordinal);
}
