using System.Text.Json.Nodes;

namespace RunHub.Tests.Engines.ComfyUi;

/// <summary>
/// The node classes the fake ComfyUI knows, with their required and optional inputs, and ComfyUI's validation of a
/// submitted graph (<c>execution.validate_prompt</c>): unknown class → <c>missing_node_type</c>; no output node →
/// <c>prompt_no_outputs</c>; a missing required input or an image that was never uploaded → <c>node_errors</c>.
/// </summary>
internal static class FakeComfyNodes
{
    private sealed record NodeClass(string[] Required, string[] Optional, bool Output = false);

    private static readonly Dictionary<string, NodeClass> Classes = new(StringComparer.Ordinal)
    {
        ["LoadImage"] = new(["image"], ["upload"]),
        ["UNETLoader"] = new(["unet_name", "weight_dtype"], []),
        ["CLIPLoader"] = new(["clip_name", "type"], ["device"]),
        ["VAELoader"] = new(["vae_name"], []),
        ["CheckpointLoaderSimple"] = new(["ckpt_name"], []),
        ["CLIPTextEncode"] = new(["text", "clip"], []),
        ["TextEncodeQwenImageEditPlus"] = new(["clip", "prompt"], ["vae", "image1", "image2", "image3"]),
        ["ModelSamplingAuraFlow"] = new(["model", "shift"], []),
        ["CFGNorm"] = new(["model", "strength"], []),
        ["EmptySD3LatentImage"] = new(["width", "height", "batch_size"], []),
        ["EmptyLatentImage"] = new(["width", "height", "batch_size"], []),
        ["KSampler"] = new(["model", "seed", "steps", "cfg", "sampler_name", "scheduler", "positive", "negative", "latent_image", "denoise"], []),
        ["VAEDecode"] = new(["samples", "vae"], []),
        ["SaveImage"] = new(["images", "filename_prefix"], [], Output: true),
        ["PreviewImage"] = new(["images"], [], Output: true),
    };

    public static bool IsOutput(string classType) => Classes.TryGetValue(classType, out var c) && c.Output;

    /// <summary>Null when the graph is valid, else ComfyUI's 400 body.</summary>
    public static JsonObject? Validate(JsonObject graph, Func<string, bool> uploaded)
    {
        foreach (var (id, node) in graph)
        {
            var classType = (string?)node?["class_type"];
            if (classType is null)
                return Refusal("invalid_prompt", "Cannot execute because a node is missing the class_type property.", $"Node ID '#{id}'", new JsonObject());
            if (!Classes.ContainsKey(classType))
                return Refusal("missing_node_type", $"Node '{classType}' not found. The custom node may not be installed.", $"Node ID '#{id}'", new JsonObject());
        }
        var outputs = graph.Where(n => IsOutput((string)n.Value!["class_type"]!)).Select(n => n.Key).ToList();
        if (outputs.Count == 0) return Refusal("prompt_no_outputs", "Prompt has no outputs", "", new JsonArray());

        var nodeErrors = new JsonObject();
        foreach (var (id, node) in graph)
        {
            var classType = (string)node!["class_type"]!;
            var inputs = node["inputs"] as JsonObject ?? [];
            var errors = new JsonArray();
            foreach (var name in Classes[classType].Required)
            {
                var value = inputs[name];
                var linkTarget = value is JsonArray { Count: 2 } link ? (string?)link[0] : null;
                if (value is null || (linkTarget is not null && !graph.ContainsKey(linkTarget)))
                    errors.Add(Error("required_input_missing", "Required input is missing", name, name));
            }
            if (classType == "LoadImage" && inputs["image"] is JsonValue image && !uploaded((string)image!))
                errors.Add(Error("custom_validation_failed", "Custom validation failed for node", $"image - Invalid image file: {image}", "image"));
            if (errors.Count > 0)
                nodeErrors[id] = new JsonObject { ["errors"] = errors, ["dependent_outputs"] = new JsonArray(outputs.Select(o => (JsonNode)o).ToArray()), ["class_type"] = classType };
        }
        return nodeErrors.Count == 0 ? null : Refusal("prompt_outputs_failed_validation", "Prompt outputs failed validation", "", nodeErrors);
    }

    private static JsonObject Error(string type, string message, string details, string input) => new()
    {
        ["type"] = type, ["message"] = message, ["details"] = details, ["extra_info"] = new JsonObject { ["input_name"] = input },
    };

    private static JsonObject Refusal(string type, string message, string details, JsonNode nodeErrors) => new()
    {
        ["error"] = new JsonObject { ["type"] = type, ["message"] = message, ["details"] = details, ["extra_info"] = new JsonObject() },
        ["node_errors"] = nodeErrors,
    };

    /// <summary>The order ComfyUI runs the nodes in: every node after the nodes it links to, outputs last.</summary>
    public static List<string> ExecutionOrder(JsonObject graph)
    {
        var order = new List<string>();
        var seen = new HashSet<string>();
        void Visit(string id)
        {
            if (!seen.Add(id) || graph[id] is not JsonObject node) return;
            foreach (var (_, value) in node["inputs"] as JsonObject ?? [])
                if (value is JsonArray { Count: 2 } link && (string?)link[0] is { } source) Visit(source);
            order.Add(id);
        }
        foreach (var (id, node) in graph)
            if (IsOutput((string)node!["class_type"]!)) Visit(id);
        return order;
    }
}
