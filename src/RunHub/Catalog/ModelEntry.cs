namespace RunHub.Catalog;

/// <summary>A model as data: endpoint, output type, parameter schema, price and the backends that serve it.</summary>
public sealed record ModelEntry
{
    /// <summary>1 to 3 path segments, e.g. <c>rhart-image-g-1.5/edit</c>. Tasks of the model are recorded under it.</summary>
    public required string Endpoint { get; init; }

    /// <summary>
    /// Other endpoints a request may name the model by (RunHub extension), e.g. the name RunningHub gave it after a
    /// rename: <c>rhart-image-g-1.5/edit-[Deprecated]</c>. Each is unique in its catalog, as endpoints are.
    /// </summary>
    public IReadOnlyList<string> Aliases { get; init; } = [];

    /// <summary>The endpoint, then the aliases.</summary>
    public IEnumerable<string> Names => Aliases.Prepend(Endpoint);
    public string? DisplayName { get; init; }
    public string? Category { get; init; }
    /// <summary>image, video, audio, string or 3d, as in the registry.</summary>
    public required string OutputType { get; init; }
    public required IReadOnlyList<ParameterSpec> Parameters { get; init; }
    /// <summary>Null when the model has no price RunHub can compute; such a model cannot be submitted.</summary>
    public PriceSchedule? Price { get; init; }

    /// <summary>
    /// The backends that can serve the model, in the catalog's order of preference, with any <c>servers</c> list
    /// already expanded into one backend per server. Empty when no engine is configured: such a model is listed
    /// but not served (1010).
    /// </summary>
    public IReadOnlyList<EngineBinding> Engines { get; init; } = [];

    /// <summary>The first backend, or null when there is none; setting it makes it the only backend.</summary>
    public EngineBinding? Engine
    {
        get => Engines.Count > 0 ? Engines[0] : null;
        init => Engines = value is null ? [] : [value];
    }

    /// <summary>Deadline for one run of a task of this model.</summary>
    public TimeSpan Timeout { get; init; } = TimeSpan.FromMinutes(10);
}
