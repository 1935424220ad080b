using System.Text.Json;
using System.Text.Json.Nodes;
using RunHub.Catalog;

namespace RunHub.Engines.ComfyUi;

/// <summary>One input of one node of a workflow: RunningHub's <c>nodeInfoList</c> pair of <c>nodeId</c> and <c>fieldName</c>.</summary>
internal sealed record NodeInput(string NodeId, string FieldName)
{
    public override string ToString() => $"node {NodeId} input \"{FieldName}\"";

    /// <summary>Reads the <c>"nodeId.fieldName"</c> form map entries use (split at the last dot: field names have none).</summary>
    public static NodeInput? Parse(string text)
    {
        var dot = text.LastIndexOf('.');
        return dot > 0 && dot < text.Length - 1 ? new NodeInput(text[..dot], text[(dot + 1)..]) : null;
    }
}

/// <summary>
/// What one value of a <c>map</c> binding does: set several node inputs at once (e.g. width and height for an
/// aspect ratio), or — <c>{"closestTo": "imageUrls"}</c> — pick the map entry whose ratio key (<c>"3:2"</c>) is
/// closest to the shape of that parameter's first image (how <c>auto</c> works).
/// </summary>
internal sealed record MapEntry(IReadOnlyList<(NodeInput Input, JsonNode? Value)> Assignments, string? ClosestTo);

/// <summary>
/// How a request parameter reaches the workflow (catalog <c>settings.bindings[]</c>):
/// <list type="bullet">
/// <item><c>{"param", "nodeId", "fieldName"}</c> — the value goes into that node input; for a media parameter the
/// input file is uploaded and its ComfyUI name goes in; <c>index</c> picks one element of a list (media: default 0).</item>
/// <item><c>{"param", "map": {value: {"nodeId.fieldName": x, ...}}}</c> — each value of the parameter sets several inputs.</item>
/// <item><c>{"seed": true, "nodeId", "fieldName"}</c> — a seed drawn from the task id (stable across retries of one task).</item>
/// </list>
/// <c>removeWhenMissing: ["11", ...]</c> removes those nodes, and every link to them, when the value is absent
/// (an optional second image feeding an optional input).
/// </summary>
internal sealed record WorkflowBinding
{
    public string? Param { get; init; }
    public NodeInput? Target { get; init; }
    public int? Index { get; init; }
    public IReadOnlyDictionary<string, MapEntry>? Map { get; init; }
    public bool Seed { get; init; }
    public IReadOnlyList<string> RemoveWhenMissing { get; init; } = [];

    public string Describe() => Seed ? $"seed binding of {Target}" : $"binding of \"{Param}\"";

    public static WorkflowBinding Read(JsonElement item, string where)
    {
        var reader = new FieldReader(item, where);
        var seed = reader.Get("seed") is { ValueKind: JsonValueKind.True };
        var param = reader.String("param");
        if (!seed && string.IsNullOrWhiteSpace(param)) throw reader.Error("param", "required (or \"seed\": true)");

        var nodeId = reader.String("nodeId");
        var fieldName = reader.String("fieldName");
        if ((nodeId is null) != (fieldName is null))
            throw reader.Error(nodeId is null ? "nodeId" : "fieldName", "nodeId and fieldName go together");
        var target = nodeId is null ? null : new NodeInput(nodeId, fieldName!);

        var map = reader.Get("map") is { } mapElement ? ReadMap(mapElement, reader) : null;
        if (target is null && map is null) throw reader.Error("nodeId", "a binding needs nodeId and fieldName, or a map");
        if (target is not null && map is not null) throw reader.Error("map", "a binding has either nodeId/fieldName or a map, not both");
        if (seed && target is null) throw reader.Error("nodeId", "a seed binding needs nodeId and fieldName");

        var index = reader.Number("index");
        if (index is { } i && (i < 0 || i != Math.Floor(i) || i > 1000)) throw reader.Error("index", $"{i} is not a list position");

        var remove = reader.Array("removeWhenMissing")?.EnumerateArray()
            .Select(n => n.ValueKind == JsonValueKind.String ? n.GetString()! : n.GetRawText()).ToList();

        return new WorkflowBinding
        {
            Param = seed ? null : param,
            Target = target,
            Index = index is null ? null : (int)index.Value,
            Map = map,
            Seed = seed,
            RemoveWhenMissing = remove ?? [],
        };
    }

    private static Dictionary<string, MapEntry> ReadMap(JsonElement map, FieldReader reader)
    {
        if (map.ValueKind != JsonValueKind.Object) throw reader.Error("map", $"expected an object, got {FieldReader.Kind(map)}");
        var entries = new Dictionary<string, MapEntry>(StringComparer.Ordinal);
        foreach (var entry in map.EnumerateObject())
        {
            if (entry.Value.ValueKind != JsonValueKind.Object)
                throw reader.Error("map", $"the entry for {JsonValueText.Quote(entry.Name)} is not an object");
            string? closestTo = null;
            var assignments = new List<(NodeInput, JsonNode?)>();
            foreach (var assignment in entry.Value.EnumerateObject())
            {
                if (assignment.Name == "closestTo" && assignment.Value.ValueKind == JsonValueKind.String)
                {
                    closestTo = assignment.Value.GetString();
                    continue;
                }
                var input = NodeInput.Parse(assignment.Name)
                    ?? throw reader.Error("map", $"{JsonValueText.Quote(assignment.Name)} in the entry for {JsonValueText.Quote(entry.Name)} is not \"nodeId.fieldName\"");
                assignments.Add((input, JsonNode.Parse(assignment.Value.GetRawText())));
            }
            if (closestTo is not null && assignments.Count > 0)
                throw reader.Error("map", $"the entry for {JsonValueText.Quote(entry.Name)} has both closestTo and node inputs");
            entries[entry.Name] = new MapEntry(assignments, closestTo);
        }
        return entries;
    }
}
