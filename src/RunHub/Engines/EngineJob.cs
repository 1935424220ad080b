using System.Text.Json;
using RunHub.Catalog;
using RunHub.Media;

namespace RunHub.Engines;

/// <summary>
/// What an engine is given: the task, its model, the backend chosen to serve it (the catalog's engine name and
/// that backend's settings), its parameters and its fetched media inputs, and where to report progress.
/// </summary>
public sealed record EngineJob(
    string TaskId,
    ModelEntry Model,
    IReadOnlyDictionary<string, JsonElement> Parameters,
    IReadOnlyList<MediaInput> Inputs)
{
    /// <summary>The backend this attempt runs on; its <see cref="EngineBinding.Settings"/> belong to the engine.</summary>
    public EngineBinding Backend { get; init; } = Model.Engine ?? new EngineBinding("");

    /// <summary>
    /// For workflow and AI-app tasks: the whole ComfyUI graph to run (API format JSON), filled in except for its
    /// media; each of <see cref="Inputs"/> then names the node input it goes into as its FieldKey (<c>"10.image"</c>).
    /// Null for a catalog model, whose engine builds what it runs from its own settings.
    /// </summary>
    public string? Workflow { get; init; }

    /// <summary>Where the engine reports how far it got; reports are best effort and may be dropped.</summary>
    public IProgress<EngineProgress> Progress { get; init; } = NoProgress.Instance;

    private sealed class NoProgress : IProgress<EngineProgress>
    {
        public static readonly NoProgress Instance = new();

        public void Report(EngineProgress value)
        {
        }
    }
}
