using System.Text.Json;
using System.Text.Json.Nodes;

namespace RunHub.Catalog;

/// <summary>
/// Writes models back in RunningHub's registry shape (the same fields <see cref="RegistryReader"/> reads), each
/// with its price in the pricing file's shape under <c>pricing</c>, so a client can read the listing with the
/// same code that reads RunningHub's published registry. The backends (<c>engines</c>) are written only when
/// asked: they are the operator's configuration (server addresses), not something a client is shown.
/// </summary>
public static class RegistryWriter
{
    public static JsonObject Write(IReadOnlyList<ModelEntry> models, string version, bool withEngines = false) => new()
    {
        ["version"] = version,
        ["model_count"] = models.Count,
        ["models"] = new JsonArray(models.Select(m => (JsonNode)Model(m, withEngines)).ToArray()),
    };

    /// <param name="withEngines">Also write the backends and the deadline, so the model reads back as it is.</param>
    public static JsonObject Model(ModelEntry model, bool withEngines = false)
    {
        var node = new JsonObject
        {
            ["endpoint"] = model.Endpoint,
            ["output_type"] = model.OutputType,
            ["display_name"] = model.DisplayName,
            ["category"] = model.Category,
            ["params"] = new JsonArray(model.Parameters.Select(p => (JsonNode)Parameter(p)).ToArray()),
            ["pricing"] = model.Price is null ? null : Price(model.Price),
        };
        if (model.Aliases.Count > 0) node["aliases"] = new JsonArray(model.Aliases.Select(a => (JsonNode)JsonValue.Create(a)!).ToArray());
        if (withEngines)
        {
            // Written expanded (one backend per server), which reads back to the same list.
            if (model.Engines.Count > 0) node["engines"] = new JsonArray(model.Engines.Select(e => (JsonNode)Backend(e)).ToArray());
            node["timeoutSeconds"] = model.Timeout.TotalSeconds;
        }
        return node;
    }

    private static JsonObject Backend(EngineBinding backend)
    {
        var node = new JsonObject { ["name"] = backend.Name };
        if (backend.Settings is { } settings) node["settings"] = JsonNode.Parse(settings.GetRawText());
        return node;
    }

    private static JsonObject Parameter(ParameterSpec spec)
    {
        var node = new JsonObject
        {
            ["fieldKey"] = spec.FieldKey,
            ["type"] = spec.Type.ToString().ToUpperInvariant(),
            ["required"] = spec.Required,
            ["label"] = spec.Label ?? spec.FieldKey,
            ["description"] = spec.Description ?? "",
        };
        if (spec.DefaultValue is { } value) node["defaultValue"] = JsonNode.Parse(value.GetRawText());
        if (spec.Options.Count > 0) node["options"] = new JsonArray(spec.Options.Select(o => (JsonNode)new JsonObject { ["value"] = o }).ToArray());
        if (spec.MinLength is { } minLength) node["minLength"] = minLength;
        if (spec.MaxLength is { } maxLength) node["maxLength"] = maxLength;
        if (spec.Min is { } min) node["min"] = min;
        if (spec.Max is { } max) node["max"] = max;
        if (spec.Step is { } step) node["step"] = step;
        // The registry keeps accepted formats as a JSON list inside a string.
        if (spec.Accept.Count > 0) node["accept"] = JsonSerializer.Serialize(spec.Accept);
        if (spec.MaxSizeMb is { } maxSize) node["maxSize"] = maxSize;
        if (spec.MultipleInputs || spec.MaxInputNum is not null)
        {
            node["multipleInputs"] = spec.MultipleInputs;
            if (spec.MaxInputNum is { } count) node["maxInputNum"] = count;
        }
        return node;
    }

    private static JsonObject Price(PriceSchedule price)
    {
        var node = new JsonObject
        {
            ["currency"] = price.Currency,
            ["unit"] = price.UnitText,
            ["pricing_type"] = price.FixedPrice is null ? "parameter_based" : "fixed",
        };
        if (price.FixedPrice is { } fixedPrice)
        {
            node["price"] = fixedPrice.ToDecimal();
            return node;
        }
        node["depends_on"] = new JsonArray(price.Rules.SelectMany(r => r.When.Keys).Distinct(StringComparer.Ordinal).Select(k => (JsonNode)k!).ToArray());
        node["rules"] = new JsonArray(price.Rules.Select(r => (JsonNode)new JsonObject
        {
            ["when"] = new JsonObject(r.When.Select(w => KeyValuePair.Create(w.Key, (JsonNode?)w.Value))),
            ["price"] = r.Price.ToDecimal(),
        }).ToArray());
        return node;
    }
}
