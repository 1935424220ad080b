using System.Text.Json;
using System.Text.Json.Nodes;
using RunHub.Catalog;
using RunHub.Client;
using RunHub.Engines.ComfyUi;
using RunHub.Files;
using RunHub.Media;
using RunHub.Tasks;
using Microsoft.Extensions.Options;

namespace RunHub.Workflows;

/// <summary>
/// Checks a request's <c>nodeInfoList</c> (<c>[{"nodeId", "fieldName", "fieldValue"}]</c>) against the graph it is for,
/// before anything is charged: every entry must name a node of the graph and an input of that node that holds a value
/// (not a link), with a value of the input's kind; an app's entries must be inputs the app exposes, within their
/// limits. A media input's value must be a file uploaded to this server or an http(s)/data URL; a <c>data:</c> URL is
/// checked (kind, format, pixels, at most <c>Media:MaxUploadMb</c>) and submitted with the task, in the database or as
/// a file (<see cref="InlineInputs"/>), so the task row holds its key, never the data. Inputs named <c>seed</c> or
/// <c>noise_seed</c> the caller did not set get a random seed, as RunningHub does.
/// </summary>
public sealed class NodeInfoValidator(IFileStore files, InlineInputs inlineInputs, IOptions<RunHubOptions> options)
{
    public const int MaxEntries = 500;
    private static readonly string[] SeedInputs = ["seed", "noise_seed"];

    /// <summary>
    /// What the checked list sets, or the refusal: 301 for a list that is not one, 803 for entries that do not fit.
    /// <see cref="StoredInputs"/> are the inline inputs prepared for it: the caller submits them with the task
    /// (<see cref="SubmitContext.Inputs"/>) and discards them (<see cref="InlineInputs.DiscardAsync"/>) when the run is not
    /// queued. A refusal leaves nothing stored.
    /// </summary>
    public sealed record Checked(IReadOnlyList<NodeValue> Values, IReadOnlyList<NodeMedia> Media, string? ErrorCode = null, string? Error = null)
    {
        public IReadOnlyList<TaskInput> StoredInputs { get; init; } = [];

        public static Checked Refused(string code, string message) => new([], [], code, message);
    }

    /// <param name="beforeLargeInput">Asked once, before the first inline input large enough to be stored as a file
    /// (<see cref="InlineInputs.IsLarge"/>) is decoded: a refusal to answer with instead (the wallet cannot pay), or null
    /// to go on.</param>
    internal async Task<Checked> CheckAsync(JsonElement? nodeInfoList, WorkflowDefinition workflow, WorkflowGraph graph, AppDefinition? app,
        CancellationToken cancellationToken, Func<Task<Checked?>>? beforeLargeInput = null)
    {
        if (nodeInfoList is { ValueKind: not JsonValueKind.Array } notList)
            return Checked.Refused(RunHubErrorCodes.ParamsInvalid, $"nodeInfoList: expected an array of {{nodeId, fieldName, fieldValue}}, got {FieldReader.Kind(notList)}");
        // Counted before any entry is read: a list of millions of entries is refused without holding them.
        if (nodeInfoList is { } list && list.GetArrayLength() is var count and > MaxEntries)
            return Checked.Refused(RunHubErrorCodes.ParamsInvalid, $"nodeInfoList: {count} entries, more than the {MaxEntries} allowed");
        var entries = nodeInfoList?.EnumerateArray().ToList() ?? [];

        var check = new ListCheck(workflow, graph, app) { BeforeLargeInput = beforeLargeInput };
        try
        {
            var result = await CheckEntriesAsync(entries, check, cancellationToken);
            if (result is not null || check.Problems.Count > 0) await inlineInputs.DiscardAsync(check.Stored);
            return result ?? (check.Problems.Count > 0
                ? Checked.Refused(RunHubErrorCodes.InvalidNodeInfo, string.Join("; ", check.Problems))
                : new Checked([.. check.Values, .. Seeds(graph, check.Seen)], check.Media) { StoredInputs = check.Stored });
        }
        catch
        {
            await inlineInputs.DiscardAsync(check.Stored);
            throw;
        }
    }

    /// <summary>
    /// One check of a list: what it is checked against (the workflow, its graph, the app or null) and what it gathers
    /// (the values and media set, the problems found, the inputs seen, the inline inputs stored so far).
    /// </summary>
    private sealed class ListCheck(WorkflowDefinition workflow, WorkflowGraph graph, AppDefinition? app)
    {
        public WorkflowDefinition Workflow { get; } = workflow;
        public WorkflowGraph Graph { get; } = graph;
        public AppDefinition? App { get; } = app;
        public List<NodeValue> Values { get; } = [];
        public List<NodeMedia> Media { get; } = [];
        public List<string> Problems { get; } = [];
        public HashSet<string> Seen { get; } = new(StringComparer.Ordinal);
        public List<TaskInput> Stored { get; } = [];
        public Func<Task<Checked?>>? BeforeLargeInput { get; set; }
    }

    /// <summary>Checks each entry into <paramref name="check"/>; answers a refusal that stops the check at once, else null.</summary>
    private async Task<Checked?> CheckEntriesAsync(List<JsonElement> entries, ListCheck check, CancellationToken cancellationToken)
    {
        var (workflow, graph, app, problems) = (check.Workflow, check.Graph, check.App, check.Problems);
        for (var i = 0; i < entries.Count; i++)
        {
            var where = $"nodeInfoList[{i}]";
            if (Entry(entries[i]) is not { } entry) return Checked.Refused(RunHubErrorCodes.ParamsInvalid, $"{where}: expected {{\"nodeId\", \"fieldName\", \"fieldValue\"}}");
            var (input, given) = entry;
            where += $" (node {input.NodeId}, field \"{input.FieldName}\")";
            if (!check.Seen.Add($"{input.NodeId}.{input.FieldName}"))
            {
                problems.Add($"{where}: given more than once");
                continue;
            }
            var field = app?.Fields.FirstOrDefault(f => f.NodeId == input.NodeId && f.FieldName == input.FieldName);
            if (app is not null && field is null)
            {
                problems.Add($"{where}: app {app.WebappId} does not let callers set it; it takes {string.Join(", ", app.Fields.Select(f => $"{f.Key} ({f.FieldType.ToString().ToUpperInvariant()})"))}");
                continue;
            }
            if (Locate(graph, workflow, input) is { } missing)
            {
                problems.Add($"{where}: {missing}");
                continue;
            }
            graph.TryGetInput(input, out var current);
            var mediaType = field is { FieldType: ParameterType.Image or ParameterType.Video or ParameterType.Audio } ? field.FieldType
                : field is null ? MediaInputs.Of(graph, workflow, input.NodeId, input.FieldName) : null;
            if (mediaType is { } type)
            {
                var (source, problem) = await MediaSourceAsync(given, current, cancellationToken);
                if (problem is null && source is { } inline && DataUri.IsDataUri(inline))
                {
                    if (check.BeforeLargeInput is { } ask && inlineInputs.IsLarge(inline))
                    {
                        check.BeforeLargeInput = null;
                        if (await ask() is { } refused) return refused;
                    }
                    (source, problem) = await StoreInlineAsync(inline, $"{input.NodeId}.{input.FieldName}", type, check.Stored, cancellationToken);
                }
                if (problem is not null) problems.Add($"{where}: {problem}");
                else if (source is not null) check.Media.Add(new NodeMedia(input.NodeId, input.FieldName, source, type));
                continue;
            }
            var (value, wrong) = field is null ? FieldValues.ForInput(given, current) : FieldValues.ForAppField(given, field);
            if (wrong is not null) problems.Add($"{where}: {wrong}");
            else check.Values.Add(new NodeValue(input.NodeId, input.FieldName, value));
        }
        return null;
    }

    /// <summary>Prepares one inline input (<see cref="InlineInputs.StoreOneAsync"/>); answers its key, or why it cannot be used (with nothing stored).</summary>
    private async Task<(string? Key, string? Problem)> StoreInlineAsync(string dataUri, string name, ParameterType type, List<TaskInput> stored,
        CancellationToken cancellationToken)
    {
        var spec = new ParameterSpec { FieldKey = name, Type = type, MaxSizeMb = options.Value.Media.MaxUploadMb };
        try
        {
            var input = await inlineInputs.StoreOneAsync(dataUri, spec, cancellationToken);
            stored.Add(input);
            return (input.Key, null);
        }
        catch (FetchRefusedException e)
        {
            return (null, e.Message);
        }
    }

    private static (NodeInput Input, JsonElement Value)? Entry(JsonElement entry)
    {
        if (entry.ValueKind != JsonValueKind.Object) return null;
        var nodeId = entry.TryGetProperty("nodeId", out var n) ? JsonValueText.Of(n) : null;
        var fieldName = entry.TryGetProperty("fieldName", out var f) && f.ValueKind == JsonValueKind.String ? f.GetString() : null;
        if (string.IsNullOrWhiteSpace(nodeId) || string.IsNullOrWhiteSpace(fieldName) || nodeId.Length > 64 || fieldName.Length > 200) return null;
        return (new NodeInput(nodeId.Trim(), fieldName.Trim()), entry.TryGetProperty("fieldValue", out var value) ? value : default);
    }

    /// <summary>Null when the graph has that input as a value; else what is wrong, naming what there is.</summary>
    private static string? Locate(WorkflowGraph graph, WorkflowDefinition workflow, NodeInput input)
    {
        if (!graph.Has(input.NodeId))
        {
            var ids = graph.NodeIds.Take(30).ToList();
            return $"workflow {workflow.WorkflowId} has no node \"{JsonValueText.Cap(input.NodeId)}\"; its nodes: {string.Join(", ", ids)}{(graph.NodeIds.Count() > ids.Count ? ", …" : "")}";
        }
        if (!graph.TryGetInput(input, out var current))
        {
            // A caller's own graph may give a node any number of inputs: at most 30 are named, in each of up to MaxEntries problems.
            var fields = graph.InputsOf(input.NodeId).Take(31).ToList();
            return $"node {input.NodeId} ({graph.ClassOf(input.NodeId)}) has no field \"{JsonValueText.Cap(input.FieldName)}\"; its fields: " +
                string.Join(", ", fields.Take(30)) + (fields.Count > 30 ? ", …" : "");
        }
        if (WorkflowGraph.LinkSource(current) is { } source)
            return $"it is a link from node {source}, not a value; it cannot be set";
        return null;
    }

    /// <summary>The file to upload (a stored key or a URL), null to keep the workflow's own file, or why the value cannot be one.</summary>
    private async Task<(string? Source, string? Problem)> MediaSourceAsync(JsonElement given, JsonNode? current, CancellationToken cancellationToken)
    {
        if (given.ValueKind != JsonValueKind.String || given.GetString() is not { Length: > 0 } value)
            return (null, $"expected a file name from POST /task/openapi/upload or a URL, got {JsonValueText.Echo(given)}");
        value = value.Trim();
        if (current is JsonValue c && c.GetValueKind() == JsonValueKind.String && c.GetValue<string>() == value) return (null, null);
        if (DataUriOrUrl(value)) return (value, null);
        if (FileKey.IsValid(value) && await files.LengthAsync(value, cancellationToken) is not null) return (value, null);
        return (null, $"{JsonValueText.Quote(value)} is neither a file uploaded to this server (POST /task/openapi/upload) nor an http(s) URL");
    }

    private static bool DataUriOrUrl(string value) =>
        value.StartsWith("data:", StringComparison.OrdinalIgnoreCase)
        || Uri.TryCreate(value, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https";

    /// <summary>A random seed for each seed input holding a number that the caller did not set (different every task).</summary>
    private static IEnumerable<NodeValue> Seeds(WorkflowGraph graph, HashSet<string> set)
    {
        foreach (var nodeId in graph.NodeIds)
            foreach (var name in SeedInputs)
            {
                if (set.Contains($"{nodeId}.{name}")) continue;
                if (!graph.TryGetInput(new NodeInput(nodeId, name), out var current) || current is not JsonValue v || v.GetValueKind() != JsonValueKind.Number) continue;
                // Below 2^32: seed inputs of some custom nodes stop there, ComfyUI's own take 64 bits.
                yield return new NodeValue(nodeId, name, JsonValue.Create(Random.Shared.NextInt64(0, 1L << 32)));
            }
    }
}
