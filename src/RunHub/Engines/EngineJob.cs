using System.Text.Json;
using RunHub.Catalog;
using RunHub.Media;

namespace RunHub.Engines;

/// <summary>What an engine is given: the task, its model, its parameters and its fetched media inputs.</summary>
public sealed record EngineJob(
    string TaskId,
    ModelEntry Model,
    IReadOnlyDictionary<string, JsonElement> Parameters,
    IReadOnlyList<MediaInput> Inputs);
