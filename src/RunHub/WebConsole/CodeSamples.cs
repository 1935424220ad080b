using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace RunHub.WebConsole;

/// <summary>
/// A playground run written as code a user can paste: curl, Python with RunningHub's developer kit
/// (<c>developer-kit/examples/python/client.py</c> of HM-RunningHub/ComfyUI_RH_OpenAPI, which reads
/// <c>RH_API_KEY</c> and <c>RH_API_BASE_URL</c>), and C# with RunHub.Client. The key is never written in: each
/// sample reads it from <c>RH_API_KEY</c>.
/// </summary>
public static class CodeSamples
{
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
    private static readonly JsonSerializerOptions Compact = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <param name="apiBase">The API base URL, e.g. <c>http://127.0.0.1:5080/openapi/v2</c>.</param>
    public static string Curl(string apiBase, string endpoint, JsonObject body) =>
        $"curl -X POST {apiBase}/{endpoint} \\\n  -H \"Authorization: Bearer $RH_API_KEY\" \\\n  -H \"Content-Type: application/json\" \\\n" +
        $"  -d '{body.ToJsonString(Compact).Replace("'", "'\\''", StringComparison.Ordinal)}'";

    public static string Python(string apiBase, string endpoint, JsonObject body) =>
        $"""
        # RunningHub's developer kit (developer-kit/examples/python/client.py); export RH_API_KEY=<your key>
        import os
        os.environ["RH_API_BASE_URL"] = "{apiBase}"
        from client import RunningHubClient

        client = RunningHubClient(api_key=os.environ["RH_API_KEY"])
        result = client.run("{endpoint}", {PythonLiteral(body)})
        print(result.task_id, result.outputs)
        """;

    public static string CSharp(string apiBase, string endpoint, JsonObject body) =>
        $$""""
        // dotnet add reference RunHub.Client; export RH_API_KEY=<your key>
        using RunHub.Client;

        using var client = new RunHubClient(new RunHubClientOptions
        {
            ApiKey = Environment.GetEnvironmentVariable("RH_API_KEY")!,
            BaseUrl = "{{apiBase}}",
        });
        var task = await client.RunAsync("{{endpoint}}", """
        {{Indent(body.ToJsonString(Indented), "    ")}}
            """);
        foreach (var result in task.Results) Console.WriteLine(result.Url ?? result.Text);
        """";

    /// <summary>JSON as a Python literal: the same text except true/false/null.</summary>
    private static string PythonLiteral(JsonNode? node) => node switch
    {
        null => "None",
        JsonObject o => "{" + string.Join(", ", o.Select(p => JsonSerializer.Serialize(p.Key, Compact) + ": " + PythonLiteral(p.Value))) + "}",
        JsonArray a => "[" + string.Join(", ", a.Select(PythonLiteral)) + "]",
        JsonValue v when v.GetValueKind() == JsonValueKind.True => "True",
        JsonValue v when v.GetValueKind() == JsonValueKind.False => "False",
        _ => node.ToJsonString(Compact),
    };

    private static string Indent(string text, string by) => string.Join("\n", text.Split('\n').Select(l => by + l));
}
