using System.Collections.Concurrent;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using RunHub.Catalog;
using RunHub.Engines;
using RunHub.Engines.ComfyUi;
using RunHub.Tests.Engines.Sandbox;
using RunHub.Tests.Support;

namespace RunHub.Tests.Engines.ComfyUi;

/// <summary>
/// The shipped example (catalog/examples/comfyui) copied into a temporary catalog folder with its server pointed
/// at a fake, so the tests run the very workflow and bindings an operator starts from.
/// </summary>
internal static class ComfyExample
{
    public const string Endpoint = "rhart-image-g-1.5/edit";
    public static string Folder => Path.Combine(RepoPaths.Catalog, "examples", "comfyui");

    /// <param name="settings">Changes to the engine settings (the server is already set).</param>
    /// <param name="workflow">Changes to the workflow file.</param>
    public static TempDirectory Catalog(string server, Action<JsonObject>? settings = null, Action<JsonObject>? workflow = null, int? timeoutSeconds = null) =>
        Copy(Folder, server, settings.Then(s => s["pollSeconds"] = 0.2), workflow, timeoutSeconds);

    /// <summary>
    /// A copy of a catalog folder holding one comfyui model, in a temporary folder, with its server set to
    /// <paramref name="server"/> and the test's changes to its engine settings and its workflow file applied.
    /// </summary>
    public static TempDirectory Copy(string folder, string server, Action<JsonObject>? settings, Action<JsonObject>? workflow, int? timeoutSeconds)
    {
        var dir = new TempDirectory();
        foreach (var file in Directory.GetFiles(folder)) File.Copy(file, Path.Combine(dir.Path, Path.GetFileName(file)));

        var models = JsonNode.Parse(File.ReadAllText(Path.Combine(dir.Path, "models.json")))!;
        var model = models["models"]![0]!.AsObject();
        var engineSettings = model["engine"]!["settings"]!.AsObject();
        engineSettings["server"] = server;
        settings?.Invoke(engineSettings);
        if (timeoutSeconds is { } t) model["timeoutSeconds"] = t;
        File.WriteAllText(Path.Combine(dir.Path, "models.json"), models.ToJsonString());

        if (workflow is not null)
        {
            var path = Path.Combine(dir.Path, (string)engineSettings["workflow"]!);
            var graph = JsonNode.Parse(File.ReadAllText(path))!.AsObject();
            workflow(graph);
            File.WriteAllText(path, graph.ToJsonString());
        }
        return dir;
    }

    private static Action<JsonObject> Then(this Action<JsonObject>? first, Action<JsonObject> second) => s =>
    {
        second(s);
        first?.Invoke(s);
    };

    public static ModelEntry Model(string catalogDir) => ModelCatalog.LoadDirectory(catalogDir).Find(Endpoint)!;

    public static ComfyUiEngine Engine(string catalogDir) =>
        new(Options.Create(new RunHubOptions { CatalogDir = catalogDir }), NullLogger<ComfyUiEngine>.Instance);

    public static EngineJob Job(ModelEntry model, string prompt, string aspectRatio, IProgress<EngineProgress>? progress = null, params byte[][] images)
    {
        var parameters = new Dictionary<string, JsonElement>
        {
            ["prompt"] = JsonSerializer.SerializeToElement(prompt),
            ["aspectRatio"] = JsonSerializer.SerializeToElement(aspectRatio),
            ["imageUrls"] = JsonSerializer.SerializeToElement(images.Select((_, i) => $"https://example.test/input-{i}").ToArray()),
        };
        return new EngineJob("2013508786110730241", model, parameters, images.Select((data, i) => SandboxJobs.Input(i, data)).ToList())
        {
            Progress = progress ?? new ProgressLog(),
        };
    }
}

/// <summary>Every progress report, in order, taken synchronously (unlike <see cref="Progress{T}"/>).</summary>
internal sealed class ProgressLog : IProgress<EngineProgress>
{
    public ConcurrentQueue<EngineProgress> Reports { get; } = new();

    public void Report(EngineProgress value) => Reports.Enqueue(value);
}
