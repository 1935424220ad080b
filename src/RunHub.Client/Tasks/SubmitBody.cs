using System.Text.Json;
using System.Text.Json.Nodes;

namespace RunHub.Client;

/// <summary>A submit's JSON body, built from whatever the caller passed as parameters.</summary>
internal static class SubmitBody
{
    /// <summary>
    /// Property names are sent exactly as written (no naming policy): they are the model's field keys, which
    /// are not all camelCase.
    /// </summary>
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.General);

    public static string Serialize(object parameters) => ToObject(parameters).ToJsonString();

    public static JsonObject ToObject(object? parameters)
    {
        JsonNode? node;
        try
        {
            node = parameters switch
            {
                null => new JsonObject(),
                string text => JsonNode.Parse(text),
                JsonNode json => json.DeepClone(),
                _ => JsonSerializer.SerializeToNode(parameters, parameters.GetType(), Json),
            };
        }
        catch (JsonException e)
        {
            throw new ArgumentException("The parameters are not valid JSON: " + e.Message, nameof(parameters), e);
        }
        return node as JsonObject
            ?? throw new ArgumentException("The parameters must be a JSON object (e.g. new { prompt = \"...\" }).", nameof(parameters));
    }

    /// <summary>Puts uploaded URLs into their parameter: a list is appended to (remote URLs already there stay first).</summary>
    public static void Put(JsonObject body, LocalFiles files, IReadOnlyList<string> urls)
    {
        if (!files.AsList)
        {
            body[files.FieldKey] = urls[0];
            return;
        }
        if (body[files.FieldKey] is not JsonArray list)
        {
            list = [];
            // A lone URL given for a list parameter joins the list rather than being dropped.
            if (body[files.FieldKey] is JsonValue single) list.Add(single.DeepClone());
            body[files.FieldKey] = list;
        }
        foreach (var url in urls) list.Add(url);
    }
}
