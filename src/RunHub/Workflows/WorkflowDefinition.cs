using RunHub.Catalog;
using RunHub.Engines.ComfyUi;

namespace RunHub.Workflows;

/// <summary>
/// A ComfyUI workflow an operator registered under an id (a file <c>workflows/&lt;id&gt;.json</c> beside the model
/// catalog, docs/workflows.md): the graph in API format, the ComfyUI servers that run it, its price by run time, and
/// which node inputs take media files. Callers run it with RunningHub's workflow API and a <c>nodeInfoList</c>.
/// </summary>
public sealed record WorkflowDefinition
{
    /// <summary>1 to 64 of <c>[A-Za-z0-9_-]</c>; RunningHub's are 19-digit numbers, which some clients insist on.</summary>
    public required string WorkflowId { get; init; }
    public string? Name { get; init; }
    public string? Description { get; init; }

    /// <summary>The graph as registered (never changed: a task fills in a copy).</summary>
    internal WorkflowGraph Graph { get; init; } = null!;

    /// <summary>The comfyui backends that run it, in order of preference (a <c>servers</c> pool already expanded).</summary>
    public required IReadOnlyList<EngineBinding> Backends { get; init; }

    public required WorkflowPrice Price { get; init; }

    /// <summary>Node inputs that take a media file besides the known loaders' (<see cref="MediaInputs"/>), by <c>"nodeId.fieldName"</c>.</summary>
    public IReadOnlyDictionary<string, ParameterType> ExtraMediaInputs { get; init; } = new Dictionary<string, ParameterType>();

    /// <summary>
    /// Whether a caller may send a whole graph of its own (<c>workflow</c> in <c>/task/openapi/create</c>) to run in
    /// place of this one. Off unless the registration says so, and even then only with node classes this graph uses:
    /// a graph can reach everything its nodes can on the ComfyUI server.
    /// </summary>
    public bool AllowCustomWorkflow { get; init; }

    /// <summary>The graph's JSON, as <c>getJsonApiFormat</c> answers it.</summary>
    public string GraphJson => Graph.ToJson();

    /// <summary>The model entry the engines see: its endpoint names the workflow, its backends and deadline are the workflow's.</summary>
    public ModelEntry AsModel() => new()
    {
        Endpoint = WorkflowTasks.Endpoint(WorkflowId, null),
        DisplayName = Name,
        OutputType = "image",
        Parameters = [],
        Engines = Backends,
        Timeout = TimeSpan.FromSeconds(Price.MaxSeconds),
    };
}

/// <summary>
/// An AI app (a file <c>apps/&lt;id&gt;.json</c>): a registered workflow with the few node inputs a caller may set,
/// each with its type, description and limits. Its price and servers are its workflow's.
/// </summary>
public sealed record AppDefinition
{
    public required string WebappId { get; init; }
    public string? Name { get; init; }
    public string? Description { get; init; }
    public required string WorkflowId { get; init; }
    public required IReadOnlyList<AppField> Fields { get; init; }
}

/// <summary>
/// One input of an app: RunningHub's <c>nodeInfoList</c> item as <c>/api/webapp/apiCallDemo</c> lists it. Its default
/// is the workflow's own value of that input; <see cref="Options"/> (LIST), <see cref="Min"/>/<see cref="Max"/> (INT,
/// FLOAT) and <see cref="MaxLength"/> (STRING) limit what a caller may set.
/// </summary>
public sealed record AppField
{
    public required string NodeId { get; init; }
    public required string FieldName { get; init; }
    public required ParameterType FieldType { get; init; }
    public string? Description { get; init; }
    public IReadOnlyList<string> Options { get; init; } = [];
    public double? Min { get; init; }
    public double? Max { get; init; }
    public int? MaxLength { get; init; }

    public string Key => $"{NodeId}.{FieldName}";
}
