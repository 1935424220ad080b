using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using RunHub.Catalog;
using RunHub.Media;

namespace RunHub.Engines.ComfyUi;

/// <summary>Fills a workflow in from one job: parameter values, uploaded input names, mapped values and seeds.</summary>
internal static class BindingApplier
{
    /// <param name="uploaded">ComfyUI's name for each uploaded media input, by field and position.</param>
    public static void Apply(WorkflowGraph graph, IReadOnlyList<WorkflowBinding> bindings, EngineJob job,
        IReadOnlyDictionary<(string Field, int Index), string> uploaded)
    {
        foreach (var binding in bindings)
        {
            if (binding.Seed)
            {
                graph.Set(binding.Target!, JsonValue.Create(SeedOf(job.TaskId, binding.Target!)));
                continue;
            }
            var param = binding.Param!;
            if (IsMedia(job.Model, param))
            {
                var index = binding.Index ?? 0;
                if (uploaded.TryGetValue((param, index), out var name))
                    SetOrMap(graph, binding, JsonValue.Create(name), job);
                else
                    graph.Remove(binding.RemoveWhenMissing);
                continue;
            }

            var value = ValueOf(job.Parameters, param, binding);
            if (value is null) graph.Remove(binding.RemoveWhenMissing);
            else SetOrMap(graph, binding, value, job);
        }
    }

    public static bool IsMedia(ModelEntry model, string param) =>
        model.Parameters.FirstOrDefault(p => p.FieldKey == param)?.Type is ParameterType.Image or ParameterType.Video or ParameterType.Audio;

    private static JsonNode? ValueOf(IReadOnlyDictionary<string, JsonElement> parameters, string param, WorkflowBinding binding)
    {
        if (!parameters.TryGetValue(param, out var element) || element.ValueKind is JsonValueKind.Null or JsonValueKind.Undefined) return null;
        if (element.ValueKind == JsonValueKind.Array)
        {
            // A list written into an input as is would read as a link (["4", 0]) to ComfyUI, so one element is picked.
            if (binding.Index is not { } index)
                throw new WorkflowException($"{binding.Describe()}: the value is a list; name the element with \"index\"");
            return index < element.GetArrayLength() ? JsonNode.Parse(element[index].GetRawText()) : null;
        }
        if (element.ValueKind == JsonValueKind.Object)
            throw new WorkflowException($"{binding.Describe()}: an object value cannot go into a node input");
        return JsonNode.Parse(element.GetRawText());
    }

    private static void SetOrMap(WorkflowGraph graph, WorkflowBinding binding, JsonNode value, EngineJob job)
    {
        if (binding.Target is { } target)
        {
            graph.Set(target, value);
            return;
        }
        var key = value is JsonValue v && v.GetValueKind() == JsonValueKind.String ? v.GetValue<string>() : value.ToJsonString();
        if (!binding.Map!.TryGetValue(key, out var entry))
            throw new WorkflowException($"{binding.Describe()}: the map has no entry for {JsonValueText.Quote(key)}");
        if (entry.ClosestTo is { } mediaParam)
            entry = ClosestRatio(binding, mediaParam, job.Inputs);
        foreach (var (input, assigned) in entry.Assignments)
            graph.Set(input, assigned);
    }

    /// <summary>The map entry whose <c>"W:H"</c> key is nearest (in log aspect) to the shape of the parameter's first image.</summary>
    private static MapEntry ClosestRatio(WorkflowBinding binding, string mediaParam, IReadOnlyList<MediaInput> inputs)
    {
        var ratios = binding.Map!
            .Select(e => (Entry: e.Value, Ratio: Ratio(e.Key)))
            .Where(e => e.Ratio is not null && e.Entry.ClosestTo is null)
            .ToList();
        if (ratios.Count == 0)
            throw new WorkflowException($"{binding.Describe()}: closestTo needs map entries keyed by ratios such as \"3:2\"");
        var image = inputs.Where(i => i.FieldKey == mediaParam).OrderBy(i => i.Index).FirstOrDefault();
        if (image is not { Width: > 0, Height: > 0 })
            return ratios[0].Entry;
        var aspect = Math.Log((double)image.Width.Value / image.Height.Value);
        return ratios.MinBy(r => Math.Abs(Math.Log(r.Ratio!.Value) - aspect)).Entry;
    }

    private static double? Ratio(string key)
    {
        var parts = key.Split(':');
        return parts.Length == 2
            && double.TryParse(parts[0], NumberStyles.Float, CultureInfo.InvariantCulture, out var w) && w > 0
            && double.TryParse(parts[1], NumberStyles.Float, CultureInfo.InvariantCulture, out var h) && h > 0
                ? w / h
                : null;
    }

    /// <summary>A seed below 2^48 from the task id and the input: varied across tasks, the same on a retry of one.</summary>
    private static long SeedOf(string taskId, NodeInput input)
    {
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes($"{taskId}/{input.NodeId}/{input.FieldName}"));
        return (long)(BitConverter.ToUInt64(hash, 0) >> 16);
    }
}
