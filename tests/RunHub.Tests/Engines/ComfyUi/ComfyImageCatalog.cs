using System.Text.Json.Nodes;
using RunHub.Tests.Support;

namespace RunHub.Tests.Engines.ComfyUi;

/// <summary>
/// The seed edit model served by a workflow of ComfyUI's own image nodes (ImageCatalog/: LoadImage ×2 → ImageStitch →
/// ImageScale → the test node RunHubSlowPassthrough → SaveImage), which real ComfyUI runs on a CPU without model
/// weights. Its bindings mirror the shipped example's (catalog/examples/comfyui), node for node.
/// </summary>
internal static class ComfyImageCatalog
{
    public static string Folder => Path.Combine(RepoPaths.Root, "tests", "RunHub.Tests", "Engines", "ComfyUi", "ImageCatalog");

    /// <param name="server">The ComfyUI base URL (or a <c>servers</c> list through <paramref name="settings"/>).</param>
    /// <param name="settings">Changes to the engine settings (the server is already set).</param>
    /// <param name="workflow">Changes to the workflow file, e.g. more steps of the slow node.</param>
    public static TempDirectory Create(string server, Action<JsonObject>? settings = null, Action<JsonObject>? workflow = null, int? timeoutSeconds = null) =>
        ComfyExample.Copy(Folder, server, settings, workflow, timeoutSeconds);

    /// <summary>Makes the slow node take <paramref name="steps"/> steps of <paramref name="secondsPerStep"/> (progress, cancel, timeouts).</summary>
    public static Action<JsonObject> Slow(int steps, double secondsPerStep) => graph =>
    {
        graph["40"]!["inputs"]!["steps"] = steps;
        graph["40"]!["inputs"]!["seconds_per_step"] = secondsPerStep;
    };
}
