using RunHub.Engines.ComfyUi;
using RunHub.Engines.OpenAiImages;
using RunHub.Engines.RunningHub;
using RunHub.Engines.Sandbox;

namespace RunHub.Engines;

public static class EnginesServiceCollectionExtensions
{
    /// <summary>
    /// Registers the built-in engines (sandbox, comfyui, openai-images, runninghub), the <see cref="EngineRegistry"/>
    /// that finds them by name, and the <see cref="EngineDispatcher"/> that picks a backend and fails over.
    /// More engines can be added as further <see cref="IEngine"/> singletons.
    /// </summary>
    public static IServiceCollection AddEngines(this IServiceCollection services)
    {
        services.AddSingleton<IEngine, SandboxEngine>();
        services.AddSingleton<IEngine, ComfyUiEngine>();
        services.AddSingleton<IEngine, OpenAiImagesEngine>();
        services.AddSingleton<IEngine, RunningHubEngine>();
        services.AddSingleton<EngineRegistry>();
        services.AddSingleton<BackendPool>();
        services.AddSingleton<EngineDispatcher>();
        return services;
    }
}
