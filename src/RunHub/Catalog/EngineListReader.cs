using System.Text.Json;
using System.Text.Json.Nodes;

namespace RunHub.Catalog;

/// <summary>
/// Reads a model's backends: <c>"engine": {"name", "settings"}</c> (one) or <c>"engines": [{"name", "settings"}, ...]</c>
/// (an ordered list, the first preferred). A name alone may stand for <c>{"name": ...}</c>. A backend whose settings
/// hold <c>"servers": [url, ...]</c> becomes one backend per server, each with <c>settings.server</c> set to its url
/// and the other settings kept, in the order the servers are listed.
/// </summary>
internal static class EngineListReader
{
    public static IReadOnlyList<EngineBinding> Read(FieldReader model)
    {
        var single = model.Get("engine");
        var list = model.Get("engines");
        if (single is not null && list is not null)
            throw model.Error("engines", "give either \"engine\" (one backend) or \"engines\" (a list), not both");
        if (single is { } one) return Expand(Backend(one, model, "engine", $"{model.Where}, engine"));
        if (list is not { } many) return [];
        if (many.ValueKind != JsonValueKind.Array)
            throw model.Error("engines", $"expected an array of {{\"name\": ..., \"settings\": {{...}}}}, got {FieldReader.Kind(many)}");
        if (many.GetArrayLength() == 0)
            throw model.Error("engines", "expected at least one backend (leave the field out for a model no engine serves)");
        var backends = new List<EngineBinding>();
        var index = 0;
        foreach (var item in many.EnumerateArray())
        {
            backends.AddRange(Expand(Backend(item, model, "engines", $"{model.Where}, engines[{index}]")));
            index++;
        }
        return backends;
    }

    private static EngineBinding Backend(JsonElement value, FieldReader model, string field, string where)
    {
        switch (value)
        {
            case { ValueKind: JsonValueKind.String } name when !string.IsNullOrWhiteSpace(name.GetString()):
                return new EngineBinding(name.GetString()!.Trim());
            case { ValueKind: JsonValueKind.Object } obj:
                var reader = new FieldReader(obj, where);
                var settings = reader.Get("settings");
                if (settings is { ValueKind: not JsonValueKind.Object })
                    throw reader.Error("settings", $"expected an object, got {FieldReader.Kind(settings.Value)}");
                var binding = new EngineBinding(reader.RequiredString("name").Trim(), settings?.Clone());
                CheckServers(binding, reader);
                return binding;
            default:
                throw field == "engine"
                    ? model.Error(field, $"expected {{\"name\": ..., \"settings\": {{...}}}}, got {FieldReader.Kind(value)}")
                    : new CatalogFormatException($"{where}: expected {{\"name\": ..., \"settings\": {{...}}}}, got {FieldReader.Kind(value)}");
        }
    }

    private static void CheckServers(EngineBinding binding, FieldReader reader)
    {
        if (binding.Settings is not { } settings || !settings.TryGetProperty("servers", out var servers)) return;
        var where = new FieldReader(settings, $"{reader.Where}, settings");
        if (servers.ValueKind != JsonValueKind.Array)
            throw where.Error("servers", $"expected an array of server URLs, got {FieldReader.Kind(servers)}");
        if (servers.GetArrayLength() == 0)
            throw where.Error("servers", "expected at least one server URL");
        if (settings.TryGetProperty("server", out _))
            throw where.Error("servers", "give either \"server\" (one) or \"servers\" (a pool), not both");
        var i = 0;
        foreach (var server in servers.EnumerateArray())
        {
            if (server.ValueKind != JsonValueKind.String || string.IsNullOrWhiteSpace(server.GetString()))
                throw where.Error($"servers[{i}]", $"expected a server URL string, got {FieldReader.Kind(server)} {JsonValueText.Cap(server.GetRawText())}");
            var url = server.GetString()!.Trim();
            if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https"))
                throw where.Error($"servers[{i}]", $"{JsonValueText.Quote(url)} is not an absolute http or https URL");
            i++;
        }
    }

    /// <summary>One backend per listed server, each with <c>settings.server</c>; a backend without <c>servers</c> as it is.</summary>
    private static IReadOnlyList<EngineBinding> Expand(EngineBinding backend)
    {
        if (backend.Settings is not { } settings || !settings.TryGetProperty("servers", out var servers)) return [backend];
        var expanded = new List<EngineBinding>();
        foreach (var server in servers.EnumerateArray())
        {
            var copy = JsonNode.Parse(settings.GetRawText())!.AsObject();
            copy.Remove("servers");
            copy["server"] = server.GetString()!.Trim();
            expanded.Add(backend with { Settings = JsonSerializer.SerializeToElement(copy) });
        }
        return expanded;
    }
}
