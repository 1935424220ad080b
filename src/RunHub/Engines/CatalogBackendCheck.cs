using RunHub.Catalog;

namespace RunHub.Engines;

/// <summary>
/// Checks at start that every backend of the catalog names an engine this server has and that the engine can read
/// its settings (<see cref="IEngine.CheckBackend"/>). A model without any backend is allowed: it is listed, and a
/// submit to it is answered 1010.
/// </summary>
public static class CatalogBackendCheck
{
    /// <exception cref="CatalogFormatException">A backend names an unknown engine or settings its engine cannot use; the message names the model, the backend and the fix.</exception>
    public static void ThrowIfInvalid(ModelCatalog catalog, EngineRegistry engines)
    {
        foreach (var model in catalog.Models)
        {
            for (var i = 0; i < model.Engines.Count; i++)
            {
                var backend = model.Engines[i];
                var where = $"catalog: model \"{model.Endpoint}\", {(model.Engines.Count == 1 ? "engine" : $"engines[{i}]")} \"{backend.Name}\"";
                if (engines.Find(backend.Name) is not { } engine)
                    throw new CatalogFormatException($"{where}: no such engine; use one of {string.Join(", ", engines.Names)}");
                if (engine.CheckBackend(model, backend) is { } problem)
                    throw new CatalogFormatException($"{where}: {problem}");
            }
        }
    }

    /// <summary>Runs <see cref="ThrowIfInvalid"/> on the services' catalog and engines.</summary>
    /// <exception cref="CatalogFormatException">See <see cref="ThrowIfInvalid"/>.</exception>
    public static void CheckCatalogBackends(this IServiceProvider services) =>
        ThrowIfInvalid(services.GetRequiredService<ModelCatalog>(), services.GetRequiredService<EngineRegistry>());
}
