using RunHub.Client;
using System.Text;
using System.Text.Json;
using RunHub.Api;

namespace RunHub.Engines.ComfyUi;

/// <summary>
/// ComfyUI's answer to a graph it will not run (<c>POST /prompt</c> → 400 <c>{error: {type, message, details},
/// node_errors: {id: {errors: [...], class_type, dependent_outputs}}}</c>). The same graph fails on every server,
/// so it is never retried; <c>error</c> and <c>node_errors</c> are kept whole for the task's <c>promptTips</c>.
/// </summary>
internal static class PromptRefusal
{
    public static EngineException From(string body)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(body);
        }
        catch (JsonException)
        {
            return new EngineException(RunHubErrorCodes.UpstreamError, $"ComfyUI refused the workflow (HTTP 400): {Cap(body, 200)}");
        }
        using (document)
        {
            var root = document.RootElement;
            var message = new StringBuilder("ComfyUI refused the workflow");
            string? nodeErrors = null;
            string? validationError = null;
            if (root.ValueKind == JsonValueKind.Object)
            {
                if (root.TryGetProperty("error", out var error))
                {
                    message.Append(": ").Append(Describe(error));
                    if (error.ValueKind == JsonValueKind.Object) validationError = error.GetRawText();
                }
                if (root.TryGetProperty("node_errors", out var nodes) && nodes.ValueKind == JsonValueKind.Object)
                {
                    nodeErrors = nodes.GetRawText();
                    foreach (var node in nodes.EnumerateObject()) message.Append("; ").Append(DescribeNode(node));
                }
            }
            return new EngineException(RunHubErrorCodes.UpstreamError, Cap(message.ToString(), 1000)) { NodeErrors = nodeErrors ?? "{}", ValidationError = validationError };
        }
    }

    private static string Describe(JsonElement error)
    {
        if (error.ValueKind == JsonValueKind.String) return error.GetString() ?? "";
        if (error.ValueKind != JsonValueKind.Object) return error.GetRawText();
        var text = Text(error, "message") ?? Text(error, "type") ?? "error";
        return Text(error, "details") is { Length: > 0 } details ? $"{text} ({details})" : text;
    }

    private static string DescribeNode(JsonProperty node)
    {
        var classType = node.Value.ValueKind == JsonValueKind.Object ? Text(node.Value, "class_type") : null;
        var errors = node.Value.ValueKind == JsonValueKind.Object && node.Value.TryGetProperty("errors", out var list) && list.ValueKind == JsonValueKind.Array
            ? string.Join(", ", list.EnumerateArray().Select(Describe))
            : "invalid";
        return $"node {node.Name}{(classType is null ? "" : $" ({classType})")}: {errors}";
    }

    private static string? Text(JsonElement obj, string name) =>
        obj.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    private static string Cap(string text, int limit) => text.Length > limit ? text[..limit] + "…" : text;
}
