using System.Text.Json;
using System.Text.Json.Nodes;

namespace RunHub.Tasks;

/// <summary>
/// The <c>promptTips</c> string of the wire, in ComfyUI's validation shape (DESIGN.md §1): accepted for a task RunHub
/// validated, or the backend's own <c>node_errors</c> when the backend refused the graph.
/// </summary>
public static class PromptTips
{
    // What ComfyUI answers for a graph that passed validation; RunHub validates before queueing, so it holds until a backend says otherwise.
    public const string Accepted = """{"result": true, "error": null, "outputs_to_execute": [], "node_errors": {}}""";

    /// <summary>The refusal as promptTips, or null when the report is not a JSON object (it is then left out, not guessed at).</summary>
    public static string? Refused(string nodeErrors, string message)
    {
        JsonNode? errors;
        try
        {
            errors = JsonNode.Parse(nodeErrors);
        }
        catch (JsonException)
        {
            return null;
        }
        if (errors is not JsonObject) return null;
        var tips = new JsonObject
        {
            ["result"] = false,
            ["error"] = new JsonObject
            {
                ["type"] = "prompt_outputs_failed_validation",
                ["message"] = "Prompt outputs failed validation",
                ["details"] = message,
                ["extra_info"] = new JsonObject(),
            },
            ["outputs_to_execute"] = new JsonArray(),
            ["node_errors"] = errors,
        };
        return tips.ToJsonString();
    }
}
