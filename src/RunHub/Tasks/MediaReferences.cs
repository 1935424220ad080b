using System.Text.Json;
using RunHub.Catalog;

namespace RunHub.Tasks;

/// <summary>The media URLs of stored (already validated) parameters, in the model's field order.</summary>
public static class MediaReferences
{
    public static IReadOnlyList<(MediaReference Reference, ParameterSpec Spec)> Of(ModelEntry model, JsonElement parameters)
    {
        var list = new List<(MediaReference, ParameterSpec)>();
        foreach (var spec in model.Parameters.Where(p => p.IsMedia))
        {
            if (!parameters.TryGetProperty(spec.FieldKey, out var value)) continue;
            if (value.ValueKind == JsonValueKind.String)
                list.Add((new MediaReference(spec.FieldKey, 0, value.GetString()!), spec));
            else if (value.ValueKind == JsonValueKind.Array)
                list.AddRange(value.EnumerateArray()
                    .Where(v => v.ValueKind == JsonValueKind.String)
                    .Select((v, i) => (new MediaReference(spec.FieldKey, i, v.GetString()!), spec)));
        }
        return list;
    }
}
