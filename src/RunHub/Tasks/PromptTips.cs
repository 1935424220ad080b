using System.Text.Json;
using System.Text.Json.Nodes;

namespace RunHub.Tasks;

/// <summary>
/// The <c>promptTips</c> string of the wire, in the shape of ComfyUI's validation answer
/// (<c>{result, error, outputs_to_execute, node_errors}</c>, DESIGN.md §1): accepted for a task RunHub validated, or
/// the backend's own <c>error</c> and <c>node_errors</c> when the backend refused the graph.
/// </summary>
public static class PromptTips
{
    // What ComfyUI answers for a graph that passed validation; RunHub validates before queueing, so it holds until a backend says otherwise.
    public const string Accepted = """{"result": true, "error": null, "outputs_to_execute": [], "node_errors": {}}""";

    /// <summary>
    /// The refusal as promptTips, or null when <paramref name="nodeErrors"/> is not a JSON object (it is then left out,
    /// not guessed at).
    /// </summary>
    /// <param name="nodeErrors">The backend's <c>node_errors</c> object (JSON).</param>
    /// <param name="message">RunHub's description of the refusal, the <c>details</c> when the backend gave no error object.</param>
    /// <param name="error">The backend's own <c>error</c> object (JSON, e.g. ComfyUI's <c>{type, message, details, extra_info}</c>), or null.</param>
    public static string? Refused(string nodeErrors, string message, string? error = null)
    {
        if (Parse(nodeErrors) is not JsonObject errors) return null;
        var tips = new JsonObject
        {
            ["result"] = false,
            ["error"] = Parse(error) as JsonObject ?? new JsonObject
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

    private static JsonNode? Parse(string? json)
    {
        if (json is null) return null;
        try
        {
            return JsonNode.Parse(json);
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
