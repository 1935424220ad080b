using System.Text.Json;
using System.Text.RegularExpressions;
using RunHub.Catalog;
using RunHub.Engines.ComfyUi;

namespace RunHub.Workflows;

/// <summary>
/// Reads the registration files beside the model catalog (docs/workflows.md): <c>workflows/&lt;id&gt;.json</c> and
/// <c>apps/&lt;id&gt;.json</c>. Every mistake is a <see cref="CatalogFormatException"/> naming the file and the field,
/// for an operator fixing a file by hand.
/// </summary>
public static partial class WorkflowFileReader
{
    [GeneratedRegex("^[A-Za-z0-9_-]{1,64}$")]
    private static partial Regex IdShape();

    /// <summary>Whether a workflow or app id is usable: 1 to 64 of A-Z, a-z, 0-9, '_' and '-' (it names a file).</summary>
    public static bool IsValidId(string id) => IdShape().IsMatch(id);

    /// <exception cref="CatalogFormatException">The file is missing, not JSON, or a field is wrong.</exception>
    public static WorkflowDefinition ReadWorkflow(string path)
    {
        using var document = Parse(path);
        var file = new FieldReader(document.RootElement, Path.GetFileName(path));
        var id = Id(file, "workflowId", path);

        var backends = EngineListReader.Read(file);
        if (backends.Count == 0) throw file.Error("engine", "required: the comfyui server(s) that run this workflow, e.g. {\"name\": \"comfyui\", \"settings\": {\"server\": \"http://127.0.0.1:8188\"}}");
        foreach (var backend in backends)
        {
            if (backend.Name != ComfyUiEngine.EngineName)
                throw file.Error("engine", $"workflows run on the comfyui engine, not \"{backend.Name}\"");
            ComfyUiSettings.Read(backend, withWorkflow: false);
        }

        var perSecond = file.Decimal("pricePerSecond") ?? throw file.Error("pricePerSecond", "required: the price in CNY of one second of run time (0 for free)");
        if (perSecond < 0 || perSecond > 1000 || decimal.Round(perSecond, 6) != perSecond)
            throw file.Error("pricePerSecond", $"{perSecond} is not a price between 0 and 1000 CNY with at most 6 decimals");
        var maxSeconds = file.Int("maxSeconds") ?? throw file.Error("maxSeconds", "required: the longest a run may take (and be billed), in seconds");
        if (maxSeconds is < 1 or > WorkflowPrice.MaxRunSeconds)
            throw file.Error("maxSeconds", $"{maxSeconds} is not between 1 and {WorkflowPrice.MaxRunSeconds}");

        var graph = Graph(file, path);
        return new WorkflowDefinition
        {
            WorkflowId = id,
            Name = file.String("name"),
            Description = file.String("description"),
            Graph = graph,
            Backends = backends,
            Price = new WorkflowPrice(perSecond, maxSeconds),
            ExtraMediaInputs = ExtraMediaInputs(file, graph),
            AllowCustomWorkflow = file.Bool("allowCustomWorkflow"),
        };
    }

    /// <param name="workflows">The registered workflows by id: an app must name one of them.</param>
    /// <exception cref="CatalogFormatException">The file is missing, not JSON, or a field is wrong.</exception>
    public static AppDefinition ReadApp(string path, IReadOnlyDictionary<string, WorkflowDefinition> workflows)
    {
        using var document = Parse(path);
        var file = new FieldReader(document.RootElement, Path.GetFileName(path));
        var id = Id(file, "webappId", path);
        var workflowId = file.RequiredString("workflowId");
        if (!workflows.TryGetValue(workflowId, out var workflow))
            throw file.Error("workflowId", $"no workflow {JsonValueText.Quote(workflowId)} is registered (workflows/{workflowId}.json)");

        var list = file.Array("nodeInfoList") ?? throw file.Error("nodeInfoList", "required: the node inputs a caller may set");
        var fields = new List<AppField>();
        var index = 0;
        foreach (var item in list.EnumerateArray())
        {
            var field = AppFieldReader.Read(new FieldReader(item, $"{file.Where}, nodeInfoList[{index++}]"), workflow);
            if (fields.Any(f => f.Key == field.Key))
                throw new CatalogFormatException($"{file.Where}, nodeInfoList[{index - 1}]: node {field.NodeId} field \"{field.FieldName}\" is listed twice");
            fields.Add(field);
        }
        return new AppDefinition
        {
            WebappId = id,
            Name = file.String("name"),
            Description = file.String("description"),
            WorkflowId = workflowId,
            Fields = fields,
        };
    }

    private static JsonDocument Parse(string path)
    {
        try
        {
            return JsonDocument.Parse(File.ReadAllBytes(path), new JsonDocumentOptions { AllowTrailingCommas = true, CommentHandling = JsonCommentHandling.Skip });
        }
        catch (JsonException e)
        {
            throw new CatalogFormatException($"{Path.GetFullPath(path)}: not valid JSON: {e.Message}");
        }
        catch (IOException e)
        {
            throw new CatalogFormatException($"{Path.GetFullPath(path)}: cannot be read: {e.Message}");
        }
    }

    /// <summary>The id field, which must be a usable id and match the file's name.</summary>
    private static string Id(FieldReader file, string name, string path)
    {
        var id = file.RequiredString(name);
        if (!IsValidId(id)) throw file.Error(name, $"{JsonValueText.Quote(id)} is not 1 to 64 of A-Z, a-z, 0-9, '_' and '-'");
        var stem = Path.GetFileNameWithoutExtension(path);
        if (id != stem) throw file.Error(name, $"{JsonValueText.Quote(id)} does not match the file name ({stem}.json)");
        return id;
    }

    /// <summary><c>graph</c>: the API-format graph itself, or the path of a file holding it, relative to this file.</summary>
    private static WorkflowGraph Graph(FieldReader file, string path)
    {
        try
        {
            return file.Get("graph") switch
            {
                { ValueKind: JsonValueKind.Object } graph => WorkflowGraph.Parse(graph.GetRawText(), $"{file.Where}, field \"graph\""),
                { ValueKind: JsonValueKind.String } name => WorkflowGraph.Parse(File.ReadAllText(Path.Combine(Path.GetDirectoryName(path)!, name.GetString()!)),
                    $"{file.Where}, field \"graph\" ({name.GetString()})"),
                null => throw file.Error("graph", "required: the workflow in ComfyUI's API format (Workflow → Export (API)), or the name of a file holding it"),
                { } other => throw file.Error("graph", $"expected the workflow (an object) or a file name, got {FieldReader.Kind(other)}"),
            };
        }
        catch (WorkflowException e)
        {
            throw new CatalogFormatException(e.Message);
        }
        catch (IOException e)
        {
            throw file.Error("graph", $"the file cannot be read: {e.Message}");
        }
    }

    /// <summary><c>mediaInputs: {"12.video": "VIDEO"}</c>: node inputs of custom loader nodes that take a file.</summary>
    private static Dictionary<string, ParameterType> ExtraMediaInputs(FieldReader file, WorkflowGraph graph)
    {
        var inputs = new Dictionary<string, ParameterType>(StringComparer.Ordinal);
        if (file.Get("mediaInputs") is not { } media) return inputs;
        if (media.ValueKind != JsonValueKind.Object) throw file.Error("mediaInputs", $"expected an object such as {{\"12.video\": \"VIDEO\"}}, got {FieldReader.Kind(media)}");
        foreach (var entry in media.EnumerateObject())
        {
            var input = NodeInput.Parse(entry.Name) ?? throw file.Error("mediaInputs", $"{JsonValueText.Quote(entry.Name)} is not \"nodeId.fieldName\"");
            if (!graph.TryGetInput(input, out _)) throw file.Error("mediaInputs", $"the graph has no {input}");
            var type = entry.Value.ValueKind == JsonValueKind.String && Enum.TryParse<ParameterType>(entry.Value.GetString(), true, out var t)
                && t is ParameterType.Image or ParameterType.Video or ParameterType.Audio
                ? t
                : throw file.Error("mediaInputs", $"the type of {JsonValueText.Quote(entry.Name)} must be IMAGE, VIDEO or AUDIO");
            inputs[entry.Name] = type;
        }
        return inputs;
    }
}
