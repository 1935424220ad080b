using RunHub.Engines.ComfyUi;
using RunHub.Engines.OpenAiImages;
using RunHub.Engines.RunningHub;
using RunHub.Engines.Sandbox;

namespace RunHub.Engines;

public static class EnginesServiceCollectionExtensions
{
    /// <summary>
    /// Registers the built-in engines (sandbox, comfyui, openai-images, runninghub), the <see cref="EngineRegistry"/>
    /// that finds them by name, the <see cref="EngineDispatcher"/> that picks a backend and fails over, and the start-up
    /// check that the sandbox's ffmpeg is there when the catalog has video or audio models on it.
    /// More engines can be added as further <see cref="IEngine"/> singletons.
    /// </summary>
    public static IServiceCollection AddEngines(this IServiceCollection services)
    {
        services.AddSingleton<SandboxEngine>();
        services.AddSingleton<IEngine>(s => s.GetRequiredService<SandboxEngine>());
        services.AddHostedService<SandboxMediaToolsCheck>();
        services.AddSingleton<IEngine, ComfyUiEngine>();
        services.AddSingleton<IEngine, OpenAiImagesEngine>();
        services.AddSingleton<IEngine, RunningHubEngine>();
        services.AddSingleton<EngineRegistry>();
        services.AddSingleton<BackendPool>();
        services.AddSingleton<EngineDispatcher>();
        return services;
    }
}
