namespace RunHub.Engines;

/// <summary>
/// Runs one task of a model: validated parameters and fetched inputs in, result files out.
/// Engines never touch the database or the wallet; they fail with <see cref="EngineException"/>.
/// </summary>
public interface IEngine
{
    /// <summary>The name a catalog entry uses to pick this engine (e.g. <c>sandbox</c>).</summary>
    string Name { get; }

    Task<EngineOutput> RunAsync(EngineJob job, CancellationToken cancellationToken);
}
