using System.Text.Json;
using System.Text.Json.Nodes;

namespace RunHub.Engines.ComfyUi;

/// <summary>
/// A ComfyUI workflow in API format (<c>{"6": {"class_type": "CLIPTextEncode", "inputs": {...}}, ...}</c>) being
/// filled in for one prompt. Links are <c>[nodeId, outputIndex]</c> pairs inside <c>inputs</c>.
/// </summary>
internal sealed class WorkflowGraph
{
    private readonly JsonObject _nodes;

    private WorkflowGraph(JsonObject nodes) => _nodes = nodes;

    public JsonObject Nodes => _nodes;

    /// <summary>The deepest nesting of objects and arrays a graph's text may have (a node, its inputs, a value's own structure).</summary>
    public const int MaxDepth = 64;

    /// <summary>Parses and checks the API format; the UI's saved format (<c>nodes</c>/<c>links</c> arrays) is refused with a hint.</summary>
    /// <exception cref="WorkflowException">Not a graph in API format, or a text a reader would fail on later: malformed,
    /// nested deeper than <see cref="MaxDepth"/>, a field name given twice in one object, an unpaired surrogate escape
    /// (<see cref="Api.JsonTextCheck"/>); the message starts with <paramref name="source"/> and names where.</exception>
    public static WorkflowGraph Parse(string json, string source)
    {
        // Checked whole before it is parsed: JsonObject throws on a repeated name, and the writer on an unpaired
        // surrogate, only when that part is first used, which for a caller's graph was when its task ran.
        if (Api.JsonTextCheck.FindProblem(System.Text.Encoding.UTF8.GetBytes(json), MaxDepth, source, lenient: true, uniqueNames: true) is { } problem)
            throw new WorkflowException(problem.StartsWith(source + ": ", StringComparison.Ordinal) ? problem : $"{source}: {problem}");
        JsonNode? root;
        try
        {
            root = JsonNode.Parse(json, documentOptions: new JsonDocumentOptions { AllowTrailingCommas = true, CommentHandling = JsonCommentHandling.Skip });
        }
        catch (JsonException e)
        {
            throw new WorkflowException($"{source}: not valid JSON: {e.Message}");
        }
        if (root is not JsonObject nodes || nodes.Count == 0)
            throw new WorkflowException($"{source}: expected a workflow in API format (an object of nodes)");
        if (nodes.ContainsKey("nodes") && nodes.ContainsKey("links"))
            throw new WorkflowException($"{source}: this is ComfyUI's UI format; export the workflow with \"Export (API)\"");
        foreach (var (id, node) in nodes)
        {
            if (node is not JsonObject obj || obj["class_type"] is not JsonValue classType || classType.GetValueKind() != JsonValueKind.String
                || obj["inputs"] is not JsonObject)
                throw new WorkflowException($"{source}: node {id} needs \"class_type\" (a string) and \"inputs\" (an object)");
        }
        return new WorkflowGraph(nodes);
    }

    public WorkflowGraph Clone() => new((JsonObject)_nodes.DeepClone());

    public bool Has(string nodeId) => _nodes[nodeId] is JsonObject;

    public string? ClassOf(string nodeId) => (_nodes[nodeId] as JsonObject)?["class_type"]?.GetValue<string>();

    /// <summary>The node ids, in the graph's order.</summary>
    public IEnumerable<string> NodeIds => _nodes.Select(n => n.Key);

    /// <summary>The names of a node's inputs (none for a node the graph lacks).</summary>
    public IEnumerable<string> InputsOf(string nodeId) =>
        _nodes[nodeId]?["inputs"] is JsonObject inputs ? inputs.Select(i => i.Key) : [];

    /// <summary>Whether the node has that input, and its value (a link <c>["4", 0]</c>, a value, or null).</summary>
    public bool TryGetInput(NodeInput input, out JsonNode? value)
    {
        value = null;
        return _nodes[input.NodeId]?["inputs"] is JsonObject inputs && inputs.TryGetPropertyValue(input.FieldName, out value);
    }

    public void Set(NodeInput input, JsonNode? value)
    {
        if (_nodes[input.NodeId]?["inputs"] is not JsonObject inputs)
            throw new WorkflowException($"the workflow has no node {input.NodeId} (bound as {input})");
        inputs[input.FieldName] = value?.DeepClone();
    }

    /// <summary>Removes nodes and every input that links to them, as ComfyUI's own "bypass" of an optional input does.</summary>
    public void Remove(IEnumerable<string> nodeIds)
    {
        var removed = nodeIds.Where(id => _nodes.Remove(id)).ToHashSet(StringComparer.Ordinal);
        if (removed.Count == 0) return;
        foreach (var (_, node) in _nodes)
        {
            if (node?["inputs"] is not JsonObject inputs) continue;
            foreach (var name in inputs.Where(i => LinkSource(i.Value) is { } source && removed.Contains(source)).Select(i => i.Key).ToList())
                inputs.Remove(name);
        }
    }

    /// <summary>The node an input links to, when it is a link (<c>["4", 0]</c>).</summary>
    public static string? LinkSource(JsonNode? value) =>
        value is JsonArray { Count: 2 } pair && pair[0] is JsonValue id && id.GetValueKind() == JsonValueKind.String
        && pair[1] is JsonValue slot && slot.GetValueKind() == JsonValueKind.Number
            ? id.GetValue<string>()
            : null;

    /// <summary>
    /// Gives each of these nodes an extra input ComfyUI ignores when it runs the node but counts in its cache key
    /// (its cache signature lists every input), so the nodes run again instead of being answered from the cache.
    /// </summary>
    public void ForceRun(IEnumerable<string> nodeIds, string nonce)
    {
        foreach (var id in nodeIds)
            if (_nodes[id]?["inputs"] is JsonObject inputs) inputs["runhub_rerun"] = nonce;
    }

    public string ToJson() => _nodes.ToJsonString();
}

/// <summary>A workflow file or binding that cannot work; a catalog mistake, not a backend failure.</summary>
internal sealed class WorkflowException(string message) : Exception(message);
