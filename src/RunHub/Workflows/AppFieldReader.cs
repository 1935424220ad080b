using System.Text.Json;
using System.Text.Json.Nodes;
using RunHub.Catalog;
using RunHub.Engines.ComfyUi;

namespace RunHub.Workflows;

/// <summary>
/// Reads one entry of an app's <c>nodeInfoList</c>: <c>{"nodeId", "fieldName", "fieldType", "description", "options",
/// "min", "max", "maxLength"}</c>. The input must be a value (not a link) of the app's workflow; without a
/// <c>fieldType</c> it is the loader's media type, or what the workflow's value is (text, number, true/false).
/// </summary>
internal static class AppFieldReader
{
    public static AppField Read(FieldReader item, WorkflowDefinition workflow)
    {
        var input = new NodeInput(item.RequiredString("nodeId"), item.RequiredString("fieldName"));
        if (!workflow.Graph.Has(input.NodeId))
            throw item.Error("nodeId", $"workflow {workflow.WorkflowId} has no node {input.NodeId}");
        if (!workflow.Graph.TryGetInput(input, out var current))
            throw item.Error("fieldName", $"node {input.NodeId} ({workflow.Graph.ClassOf(input.NodeId)}) has no input \"{input.FieldName}\"; its inputs: {string.Join(", ", workflow.Graph.InputsOf(input.NodeId))}");
        if (WorkflowGraph.LinkSource(current) is { } source)
            throw item.Error("fieldName", $"{input} is a link from node {source}, not a value a caller can set");

        var type = item.String("fieldType") is { } named
            ? Enum.TryParse<ParameterType>(named, true, out var parsed) && Enum.IsDefined(parsed)
                ? parsed
                : throw item.Error("fieldType", $"{JsonValueText.Quote(named)} is not one of STRING, LIST, BOOLEAN, INT, FLOAT, IMAGE, VIDEO, AUDIO")
            : MediaInputs.Of(workflow.Graph, workflow, input.NodeId, input.FieldName) ?? Inferred(current);

        var options = item.Array("options")?.EnumerateArray().Select(o => JsonValueText.Of(o) ?? throw item.Error("options", "each option is a text or a number")).ToList() ?? [];
        if (type == ParameterType.List && options.Count == 0) throw item.Error("options", "a LIST field needs its options");
        if (type != ParameterType.List && options.Count > 0) throw item.Error("options", "only a LIST field has options");
        var min = item.Number("min");
        var max = item.Number("max");
        if ((min is not null || max is not null) && type is not (ParameterType.Int or ParameterType.Float))
            throw item.Error(min is not null ? "min" : "max", "only an INT or FLOAT field has limits");
        var maxLength = item.Int("maxLength");
        if (maxLength is not null && type != ParameterType.String) throw item.Error("maxLength", "only a STRING field has a maximum length");
        if (maxLength is < 1) throw item.Error("maxLength", "must be at least 1");

        return new AppField
        {
            NodeId = input.NodeId,
            FieldName = input.FieldName,
            FieldType = type,
            Description = item.String("description"),
            Options = options,
            Min = min,
            Max = max,
            MaxLength = maxLength,
        };
    }

    private static ParameterType Inferred(JsonNode? value) => value is JsonValue v
        ? v.GetValueKind() switch
        {
            JsonValueKind.True or JsonValueKind.False => ParameterType.Boolean,
            JsonValueKind.Number => v.ToJsonString().Any(c => c is '.' or 'e' or 'E') ? ParameterType.Float : ParameterType.Int,
            _ => ParameterType.String,
        }
        : ParameterType.String;
}
