using System.Text.Json;

namespace RunHub.Catalog;

/// <summary>Reads one entry of a registry model's <c>params</c> into a <see cref="ParameterSpec"/>.</summary>
internal static class ParameterReader
{
    public static ParameterSpec Read(JsonElement item, string where)
    {
        var reader = new FieldReader(item, where);
        var fieldKey = reader.RequiredString("fieldKey");
        reader = new FieldReader(item, $"{where} (\"{fieldKey}\")");
        var type = Type(reader);
        var min = reader.Number("min");
        var max = reader.Number("max");
        if (min is not null && max is not null && min > max)
            throw reader.Error("min", $"{JsonValueText.Number(min.Value)} is above max {JsonValueText.Number(max.Value)}; lower min or raise max");
        var minLength = NonNegative(reader, "minLength");
        var maxLength = NonNegative(reader, "maxLength");
        if (minLength is not null && maxLength is not null && minLength > maxLength)
            throw reader.Error("minLength", $"{minLength} is above maxLength {maxLength}; lower minLength or raise maxLength");
        var step = reader.Number("step");
        if (step <= 0) throw reader.Error("step", $"{JsonValueText.Number(step.Value)} is not a step; give more than 0 or leave it out");
        var maxSize = reader.Number("maxSize");
        if (maxSize <= 0) throw reader.Error("maxSize", $"{JsonValueText.Number(maxSize.Value)} MB allows no file; give the largest file in MB (more than 0) or leave it out for 10 MB");
        var maxInputNum = NonNegative(reader, "maxInputNum");
        if (maxInputNum == 0) throw reader.Error("maxInputNum", "0 allows no value; give 1 or more, or leave it out for no limit");

        var spec = new ParameterSpec
        {
            FieldKey = fieldKey,
            Type = type,
            Required = reader.Bool("required"),
            Label = reader.String("label"),
            Description = reader.String("description"),
            DefaultValue = reader.Get("defaultValue")?.Clone(),
            Options = Options(reader),
            MinLength = minLength,
            MaxLength = maxLength,
            Min = min,
            Max = max,
            Step = step,
            Accept = Accept(reader),
            MaxSizeMb = maxSize,
            MultipleInputs = reader.Bool("multipleInputs"),
            MaxInputNum = maxInputNum,
        };
        CheckDefault(spec, reader);
        return spec;
    }

    /// <summary>
    /// A default RunHub fills in (<see cref="ParameterSpec.AppliedDefault"/>) must pass the parameter's own rules, or
    /// every request that leaves the field out would run with a value no request may send.
    /// </summary>
    private static void CheckDefault(ParameterSpec spec, FieldReader reader)
    {
        if (spec.AppliedDefault is not { } value || value is { ValueKind: JsonValueKind.String } && value.GetString()!.Length == 0) return;
        var errors = new List<string>();
        if (!ParameterRules.Check(spec, value, errors, []))
            throw reader.Error("defaultValue", $"{JsonValueText.Cap(value.GetRawText())} breaks the parameter's own rules ({string.Join("; ", errors)}); change the default or the rules");
    }

    private static ParameterType Type(FieldReader reader)
    {
        var text = reader.RequiredString("type");
        return text.Trim().ToUpperInvariant() switch
        {
            "STRING" => ParameterType.String,
            "LIST" => ParameterType.List,
            "BOOLEAN" => ParameterType.Boolean,
            "INT" => ParameterType.Int,
            "FLOAT" => ParameterType.Float,
            "IMAGE" => ParameterType.Image,
            "VIDEO" => ParameterType.Video,
            "AUDIO" => ParameterType.Audio,
            _ => throw reader.Error("type", $"unknown type {JsonValueText.Quote(text)} (expected STRING, LIST, BOOLEAN, INT, FLOAT, IMAGE, VIDEO or AUDIO)"),
        };
    }

    private static int? NonNegative(FieldReader reader, string field)
    {
        var value = reader.Int(field);
        return value < 0 ? throw reader.Error(field, $"{value} is negative") : value;
    }

    /// <summary>Option values as strings; the registry writes objects with <c>value</c>, a bare scalar is taken as its own value.</summary>
    private static IReadOnlyList<string> Options(FieldReader reader)
    {
        if (reader.Array("options") is not { } options) return [];
        var values = new List<string>();
        var index = 0;
        foreach (var option in options.EnumerateArray())
        {
            var value = option.ValueKind == JsonValueKind.Object
                ? JsonValueText.Of(new FieldReader(option, $"{reader.Where}, option #{index}").Get("value"))
                : JsonValueText.Of(option);
            values.Add(value ?? throw reader.Error("options", $"option #{index} has no string, number or boolean value"));
            index++;
        }
        return values;
    }

    /// <summary>
    /// The registry writes <c>accept</c> as a JSON array inside a string (<c>"[\"JPG\",\"PNG\"]"</c>);
    /// a real array and a comma-separated list (".jpg, png") are taken too. Upper case, no dots.
    /// </summary>
    private static IReadOnlyList<string> Accept(FieldReader reader)
    {
        IEnumerable<string?> items;
        switch (reader.Get("accept"))
        {
            case null:
                return [];
            case { ValueKind: JsonValueKind.Array } array:
                items = array.EnumerateArray().Select(e => JsonValueText.Of(e));
                break;
            case { ValueKind: JsonValueKind.String } text when text.GetString()!.TrimStart().StartsWith('['):
                try
                {
                    using var inner = JsonDocument.Parse(text.GetString()!);
                    if (inner.RootElement.ValueKind != JsonValueKind.Array) throw reader.Error("accept", "expected a list of formats");
                    items = inner.RootElement.EnumerateArray().Select(e => JsonValueText.Of(e)).ToList();
                }
                catch (JsonException e)
                {
                    throw new CatalogFormatException($"{reader.Where}, field \"accept\": not a JSON list of formats: {e.Message}", e);
                }
                break;
            case { ValueKind: JsonValueKind.String } text:
                items = text.GetString()!.Split(',', ';', ' ');
                break;
            case { } other:
                throw reader.Error("accept", $"expected a list of formats, got {FieldReader.Kind(other)}");
        }
        return items
            .Select(f => f?.Trim().TrimStart('.').ToUpperInvariant())
            .Where(f => !string.IsNullOrEmpty(f))
            .Select(f => f!)
            .Distinct(StringComparer.Ordinal)
            .ToList();
    }
}
