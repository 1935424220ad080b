using System.Text.Json;

namespace RunHub.Catalog;

/// <summary>
/// Reads RunningHub's public model registry format (<c>{"models": [{endpoint, output_type,
/// category, display_name, params: [...]}]}</c>) into <see cref="ModelEntry"/> records, and its
/// pricing format into <see cref="PriceSchedule"/>s attached by endpoint. RunHub's own catalog is
/// the same format plus optional fields per model: <c>engine</c> (<c>{"name", "settings"}</c>) or <c>engines</c>
/// (an ordered list of them, see <see cref="EngineListReader"/>), <c>timeoutSeconds</c>, and <c>aliases</c> (other
/// endpoints the model answers to). A model RunningHub marked as renamed (<c>edit-[Deprecated]</c>,
/// <c>image-to-video-pro-deprecated</c>) also answers to its former name, unless the registry has a model of that name:
/// clients written before the rename still call it so.
/// </summary>
public static class RegistryReader
{
    private static readonly JsonDocumentOptions DocumentOptions = new()
    {
        // Catalog files are edited by hand; a trailing comma or a comment should not stop a server.
        AllowTrailingCommas = true,
        CommentHandling = JsonCommentHandling.Skip,
    };

    /// <summary>Reads a registry file and, when given, its pricing file; each model gets its bound price or none.</summary>
    public static IReadOnlyList<ModelEntry> Read(string registryPath, string? pricingPath = null)
    {
        var models = ReadFile(registryPath, ReadRegistry);
        if (pricingPath is null) return models;
        var prices = ReadFile(pricingPath, ReadPricing);
        CheckRules(models, prices, Path.GetFileName(pricingPath));
        return WithPrices(models, prices);
    }

    public static IReadOnlyList<ModelEntry> ReadRegistry(JsonElement root, string source)
    {
        var list = root.ValueKind == JsonValueKind.Array ? root : new FieldReader(root, source).Array("models")
            ?? throw new CatalogFormatException($"{source}: field \"models\": required");

        var models = new List<ModelEntry>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var index = 0;
        foreach (var item in list.EnumerateArray())
        {
            var model = ReadModel(item, source, index++);
            foreach (var name in model.Names)
                if (!seen.Add(name))
                    throw new CatalogFormatException($"{source}: endpoint \"{name}\" is listed more than once (as an endpoint or an alias); keep one entry per endpoint");
            models.Add(model);
        }
        return models.Select(m => FormerName(m) is { } former && !seen.Contains(former) ? m with { Aliases = [.. m.Aliases, former] } : m).ToList();
    }

    /// <summary>The name a model RunningHub marked as renamed had before: <c>a/edit</c> for <c>a/edit-[Deprecated]</c>.</summary>
    public static string? FormerName(ModelEntry model)
    {
        foreach (var mark in DeprecationMarks)
            if (model.Endpoint.EndsWith(mark, StringComparison.OrdinalIgnoreCase) && model.Endpoint.Length > mark.Length)
                return model.Endpoint[..^mark.Length];
        return null;
    }

    private static readonly string[] DeprecationMarks = ["-[Deprecated]", "-deprecated"];

    /// <summary>The computable prices by endpoint; see <see cref="PricingReader.Read"/> for what is left out.</summary>
    public static IReadOnlyDictionary<string, PriceSchedule> ReadPricing(JsonElement root, string source) =>
        PricingReader.Read(root, source);

    /// <summary>
    /// Each model with its price bound to its parameters (see <see cref="PriceSchedule.ForModel"/>).
    /// A price for an endpoint the registry lacks is ignored: an operator may serve a subset of a
    /// full registry with its full pricing file.
    /// </summary>
    public static IReadOnlyList<ModelEntry> WithPrices(IReadOnlyList<ModelEntry> models, IReadOnlyDictionary<string, PriceSchedule> prices) =>
        models.Select(m => m with { Price = prices.TryGetValue(m.Endpoint, out var p) ? p.ForModel(m.Parameters) : null }).ToList();

    /// <summary>A rule's <c>when</c> may only name the model's parameters: a misspelt one would never match, leaving the model unpriced.</summary>
    private static void CheckRules(IReadOnlyList<ModelEntry> models, IReadOnlyDictionary<string, PriceSchedule> prices, string source)
    {
        foreach (var model in models)
        {
            if (!prices.TryGetValue(model.Endpoint, out var schedule)) continue;
            for (var i = 0; i < schedule.Rules.Count; i++)
                foreach (var field in schedule.Rules[i].When.Keys)
                    if (!model.Parameters.Any(p => p.FieldKey == field))
                        throw new CatalogFormatException(
                            $"{source}: price of \"{model.Endpoint}\", rule #{i}, field \"when\": \"{field}\" is not a parameter of the model " +
                            $"({string.Join(", ", model.Parameters.Select(p => p.FieldKey))}); name one of them");
        }
    }

    private static ModelEntry ReadModel(JsonElement item, string source, int index)
    {
        var reader = new FieldReader(item, $"{source}: model #{index}");
        var endpoint = reader.RequiredString("endpoint");
        CheckEndpoint(reader, endpoint);
        reader = new FieldReader(item, $"{source}: model \"{endpoint}\"");

        var parameters = new List<ParameterSpec>();
        var keys = new HashSet<string>(StringComparer.Ordinal);
        var position = 0;
        foreach (var p in reader.Array("params")?.EnumerateArray().ToList() ?? [])
        {
            var spec = ParameterReader.Read(p, $"{reader.Where}, parameter #{position++}");
            if (!keys.Add(spec.FieldKey)) throw reader.Error("params", $"parameter \"{spec.FieldKey}\" is listed more than once");
            parameters.Add(spec);
        }

        var timeout = reader.Number("timeoutSeconds");
        if (timeout is <= 0 or > 7 * 24 * 3600) throw reader.Error("timeoutSeconds", $"{timeout} is not between 0 and a week");

        var aliases = new List<string>();
        foreach (var alias in reader.Array("aliases")?.EnumerateArray().ToList() ?? [])
        {
            if (alias.ValueKind != JsonValueKind.String) throw reader.Error("aliases", "expected a list of endpoint strings");
            CheckEndpoint(reader, alias.GetString()!);
            if (alias.GetString() == endpoint || aliases.Contains(alias.GetString()!))
                throw reader.Error("aliases", $"{JsonValueText.Quote(alias.GetString()!)} is given twice");
            aliases.Add(alias.GetString()!);
        }

        return new ModelEntry
        {
            Endpoint = endpoint,
            Aliases = aliases,
            DisplayName = reader.String("display_name") ?? reader.String("name_en"),
            Category = reader.String("category"),
            OutputType = reader.RequiredString("output_type"),
            Parameters = parameters,
            Engines = EngineListReader.Read(reader),
            Timeout = timeout is null ? TimeSpan.FromMinutes(10) : TimeSpan.FromSeconds(timeout.Value),
        };
    }

    /// <summary>The wire contract: 1 to 3 path segments, none empty, nothing a URL path would mangle.</summary>
    private static void CheckEndpoint(FieldReader reader, string endpoint)
    {
        var segments = endpoint.Split('/');
        if (segments.Length > 3 || segments.Any(s => s.Length == 0 || s.Any(c => char.IsWhiteSpace(c) || c is '?' or '#' or '%' or '\\')))
            throw reader.Error("endpoint", $"{JsonValueText.Quote(endpoint)} is not 1 to 3 non-empty path segments");
    }

    private static T ReadFile<T>(string path, Func<JsonElement, string, T> read)
    {
        var source = Path.GetFileName(path);
        try
        {
            using var stream = File.OpenRead(path);
            using var document = JsonDocument.Parse(stream, DocumentOptions);
            return read(document.RootElement, source);
        }
        catch (JsonException e)
        {
            throw new CatalogFormatException($"{path}: not valid JSON: {e.Message}", e);
        }
        catch (IOException e)
        {
            throw new CatalogFormatException($"{path}: cannot be read: {e.Message}", e);
        }
        catch (UnauthorizedAccessException e)
        {
            throw new CatalogFormatException($"{path}: cannot be read: {e.Message}", e);
        }
        catch (Exception e) when (e is FormatException or OverflowException or InvalidOperationException or ArgumentException)
        {
            // A value no reader check foresaw: still one line naming the file, never a stack trace.
            throw new CatalogFormatException($"{path}: cannot be loaded: {e.Message}", e);
        }
    }
}
