using System.Text.Json;

namespace RunHub.Catalog;

/// <summary>Which engine serves a model, and that engine's own settings (opaque to the catalog).</summary>
public sealed record EngineBinding(string Name, JsonElement? Settings = null);
