using RunHub.Catalog;

namespace RunHub.Engines;

/// <summary>
/// Runs one task of a model: validated parameters and fetched inputs in, result files out, progress reported
/// through <see cref="EngineJob.Progress"/>. Engines never touch the database or the wallet; they fail with
/// <see cref="EngineException"/>. Cancelling the token must stop the backend's work where the backend can.
/// </summary>
public interface IEngine
{
    /// <summary>The name a catalog entry uses to pick this engine (e.g. <c>sandbox</c>).</summary>
    string Name { get; }

    Task<EngineOutput> RunAsync(EngineJob job, CancellationToken cancellationToken);

    /// <summary>Whether the backend answers at all (e.g. a ComfyUI server's <c>/system_stats</c>); used to take dead backends out of a pool.</summary>
    Task<bool> IsHealthyAsync(EngineBinding backend, CancellationToken cancellationToken) => Task.FromResult(true);

    /// <summary>
    /// Why this engine cannot serve <paramref name="backend"/> of <paramref name="model"/> as the catalog describes it
    /// (one plain line naming the setting and what would be right), or null when it can. Checked once at start
    /// (<see cref="CatalogBackendCheck"/>), so a catalog mistake stops the server instead of failing every task;
    /// it must not reach the network or read secrets, which may be set only later.
    /// </summary>
    string? CheckBackend(ModelEntry model, EngineBinding backend) => null;
}
