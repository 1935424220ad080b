using System.Text.Json.Nodes;

namespace RunHub.Client;

/// <summary>
/// The JSON body of a v2 workflow or AI-app run: <c>{"nodeInfoList": [{nodeId, fieldName, fieldValue}], "webhookUrl"?}</c>
/// (RunningHub's <c>/openapi/v2/run/workflow/{workflowId}</c> and <c>/openapi/v2/run/ai-app/{webappId}</c>).
/// </summary>
internal static class WorkflowRunBody
{
    /// <param name="nodes">The entries, in order; a local file's value is <paramref name="urlOf"/>(its path).</param>
    /// <param name="urlOf">The uploaded URL of a local file.</param>
    /// <param name="webhookUrl">Where the server posts the finished task, or null.</param>
    public static string Build(IReadOnlyList<NodeInfo> nodes, Func<string, string> urlOf, string? webhookUrl)
    {
        var list = new JsonArray();
        foreach (var node in nodes)
            list.Add(new JsonObject
            {
                ["nodeId"] = node.NodeId,
                ["fieldName"] = node.FieldName,
                ["fieldValue"] = node.LocalPath is { } path ? JsonValue.Create(urlOf(path)) : node.Value!.DeepClone(),
            });
        var body = new JsonObject { ["nodeInfoList"] = list };
        if (!string.IsNullOrWhiteSpace(webhookUrl)) body["webhookUrl"] = webhookUrl.Trim();
        return body.ToJsonString();
    }
}
