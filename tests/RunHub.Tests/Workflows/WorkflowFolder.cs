using System.Text.Json.Nodes;
using RunHub.Tests.Engines.ComfyUi;
using RunHub.Tests.Support;

namespace RunHub.Tests.Workflows;

/// <summary>
/// A catalog folder for the workflow tests, in a temporary folder: the image-only model catalog plus one registered
/// workflow (TestCatalog/image-workflow.json: LoadImage 10 → ImageScaleBy 20 → RunHubSlowPassthrough 40 → SaveImage 60,
/// with an unconnected RandomNoise 50 and text 70) served by <c>server</c>, and an AI app over it (TestCatalog/app.json).
/// </summary>
internal static class WorkflowFolder
{
    public const string WorkflowId = "1904136902449209346";
    public const string WebappId = "1877265245566922753";

    public static string Source => Path.Combine(RepoPaths.Root, "tests", "RunHub.Tests", "Workflows", "TestCatalog");

    /// <summary>0.01 CNY a second, at most 60 s: a run reserves 0.60 CNY.</summary>
    public static JsonObject Registration(string server, Action<JsonObject>? graph = null)
    {
        var workflow = JsonNode.Parse(File.ReadAllText(Path.Combine(Source, "image-workflow.json")))!.AsObject();
        graph?.Invoke(workflow);
        return new JsonObject
        {
            ["workflowId"] = WorkflowId,
            ["name"] = "image rescale (tests)",
            ["engine"] = new JsonObject
            {
                ["name"] = "comfyui",
                ["settings"] = new JsonObject { ["server"] = server, ["pollSeconds"] = 0.2, ["outputNodes"] = new JsonArray("60") },
            },
            ["pricePerSecond"] = 0.01,
            ["maxSeconds"] = 60,
            ["graph"] = workflow,
        };
    }

    /// <param name="registration">Changes to the workflow's registration file (written as <see cref="WorkflowId"/>.json whatever it says).</param>
    /// <param name="app">Changes to the app's file.</param>
    /// <param name="withApp">Whether to write the app at all.</param>
    public static TempDirectory Create(string server, Action<JsonObject>? registration = null, Action<JsonObject>? app = null, bool withApp = true)
    {
        var dir = ComfyImageCatalog.Create(server);
        Directory.CreateDirectory(Path.Combine(dir.Path, "workflows"));
        var workflow = Registration(server);
        registration?.Invoke(workflow);
        File.WriteAllText(Path.Combine(dir.Path, "workflows", WorkflowId + ".json"), workflow.ToJsonString());
        if (withApp)
        {
            Directory.CreateDirectory(Path.Combine(dir.Path, "apps"));
            var appFile = JsonNode.Parse(File.ReadAllText(Path.Combine(Source, "app.json")))!.AsObject();
            app?.Invoke(appFile);
            File.WriteAllText(Path.Combine(dir.Path, "apps", (string)appFile["webappId"]! + ".json"), appFile.ToJsonString());
        }
        return dir;
    }
}
