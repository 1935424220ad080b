using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Options;
using RunHub.Accounts;
using RunHub.Api;
using RunHub.Catalog;
using RunHub.Client;
using RunHub.Engines.ComfyUi;
using RunHub.Wire;

namespace RunHub.Workflows.Api;

/// <summary>
/// What a caller may learn about a registered workflow or app: <c>POST /api/openapi/getJsonApiFormat {apiKey,
/// workflowId}</c> answers the graph as registered (<c>data.prompt</c>, a JSON string), and <c>GET
/// /api/webapp/apiCallDemo?apiKey=&amp;webappId=</c> the app's editable <c>nodeInfoList</c> (with current values, types
/// and descriptions) and a ready <c>curl</c> line (a RunHub extension).
/// </summary>
public static class InfoEndpoints
{
    public sealed record JsonApiFormat(string Prompt);

    /// <summary>One input of an app as RunningHub's apiCallDemo lists it; <c>fieldData</c> holds a LIST's options (a JSON array as a string).</summary>
    public sealed record AppNodeInfo(string NodeId, string NodeName, string FieldName, string FieldValue, string? FieldData,
        string FieldType, string Description, string DescriptionEn);

    public sealed record AppDemo(string WebappId, string WebappName, string Description, IReadOnlyList<string> Covers,
        IReadOnlyList<AppNodeInfo> NodeInfoList, string Curl);

    public static async Task<Envelope<object>> JsonApiFormatAsync(HttpRequest request, RequestKeys keys, WorkflowCatalog catalog, BodyLimits limits)
    {
        var (call, refusal) = await WorkflowApiCall.ReadAsync(request, keys, limits, limits.Small);
        if (call is null) return refusal!;
        using (call)
        {
            var workflowId = call.Text("workflowId");
            if (string.IsNullOrWhiteSpace(workflowId)) return WorkflowApiAnswer.Error(RunHubErrorCodes.ParamsInvalid, "workflowId: required");
            return catalog.FindWorkflow(workflowId.Trim()) is { } workflow
                ? Envelope<object>.Success(new JsonApiFormat(workflow.GraphJson))
                : WorkflowApiAnswer.Error(RunHubErrorCodes.WorkflowNotFound, $"no workflow {JsonValueText.Quote(workflowId, 64)} on this server");
        }
    }

    public static async Task<Envelope<object>> ApiCallDemoAsync(HttpRequest request, RequestKeys keys, WorkflowCatalog catalog, IOptions<RunHubOptions> options)
    {
        // The key in the query (once), else the Bearer header's.
        var queryKey = SingleValue.Text(request.Query["apiKey"], "apiKey", out var repeated);
        var carried = queryKey is { Length: > 0 } || repeated is not null ? queryKey : BearerKey.From(request, out repeated);
        var (key, refusal) = await WorkflowApiCall.AuthenticateAsync(request.HttpContext, carried, keys, repeated,
            "missing API key: send it in the query string (?apiKey=KEY) or as Authorization: Bearer KEY");
        if (key is null) return refusal!;
        var webappId = request.Query["webappId"].FirstOrDefault();
        if (string.IsNullOrWhiteSpace(webappId)) return WorkflowApiAnswer.Error(RunHubErrorCodes.ParamsInvalid, "webappId: required (?webappId=...)");
        if (catalog.FindApp(webappId.Trim()) is not { } app || catalog.FindWorkflow(app.WorkflowId) is not { } workflow)
            return WorkflowApiAnswer.Error(RunHubErrorCodes.AppNotFound, $"no AI app {JsonValueText.Quote(webappId, 64)} on this server");

        var nodes = app.Fields.Select(field => NodeInfo(field, workflow.Graph)).ToList();
        var curl = Curl(BaseUrl.Of(request, options.Value), app.WebappId, nodes);
        return Envelope<object>.Success(new AppDemo(app.WebappId, app.Name ?? app.WebappId, app.Description ?? "", [], nodes, curl));
    }

    private static AppNodeInfo NodeInfo(AppField field, WorkflowGraph graph)
    {
        graph.TryGetInput(new NodeInput(field.NodeId, field.FieldName), out var current);
        var value = current is JsonValue v ? JsonValueText.Of(JsonSerializer.SerializeToElement(v)) ?? "" : "";
        var type = field.FieldType.ToString().ToUpperInvariant();
        var data = field.Options.Count > 0 ? JsonSerializer.Serialize(field.Options) : null;
        var description = field.Description ?? field.FieldName;
        return new AppNodeInfo(field.NodeId, graph.ClassOf(field.NodeId) ?? "", field.FieldName, value, data, type, description, description);
    }

    /// <summary>A curl line that runs the app with its current values; the caller puts its own key in.</summary>
    private static string Curl(string baseUrl, string webappId, IReadOnlyList<AppNodeInfo> nodes)
    {
        var body = new JsonObject
        {
            ["webappId"] = webappId,
            ["apiKey"] = "YOUR_API_KEY",
            ["nodeInfoList"] = new JsonArray(nodes.Select(n => (JsonNode)new JsonObject
            {
                ["nodeId"] = n.NodeId, ["fieldName"] = n.FieldName, ["fieldValue"] = n.FieldValue, ["description"] = n.Description,
            }).ToArray()),
        };
        var json = body.ToJsonString().Replace("'", "'\\''", StringComparison.Ordinal);
        return $"curl -s -X POST '{baseUrl}/task/openapi/ai-app/run' -H 'Content-Type: application/json' -d '{json}'";
    }
}
