using RunHub.Catalog;

namespace RunHub.Engines;

/// <summary>The engines this node can run, by the name catalog entries use.</summary>
public sealed class EngineRegistry(IEnumerable<IEngine> engines)
{
    private readonly Dictionary<string, IEngine> _byName = engines.ToDictionary(e => e.Name, StringComparer.Ordinal);

    /// <summary>The names of the engines here, in order.</summary>
    public IReadOnlyList<string> Names => _byName.Keys.Order(StringComparer.Ordinal).ToList();

    public IEngine? Find(string? name) => name is not null && _byName.TryGetValue(name, out var engine) ? engine : null;

    /// <summary>Whether an engine here serves at least one of the model's backends.</summary>
    public bool CanServe(ModelEntry model) => model.Engines.Any(backend => _byName.ContainsKey(backend.Name));
}
