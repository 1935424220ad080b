using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Configuration;
using RunHub.Catalog;
using RunHub.Engines;
using RunHub.Engines.OpenAiImages;
using RunHub.Media;
using RunHub.Tests.Engines.Sandbox;

namespace RunHub.Tests.Engines.OpenAiImages.Support;

/// <summary>Engines wired to a <see cref="FakeOpenAiImages"/> and jobs of the seed models, built by hand.</summary>
internal static class OpenAiJobs
{
    /// <summary>The configuration key the tests keep the API key under (the engine reads it like an environment variable).</summary>
    public const string KeyName = "RUNHUB_TEST_OPENAI_IMAGES_KEY";

    public static ModelEntry TextModel { get; } = SandboxJobs.EditModel with
    {
        Endpoint = "rhart-image-g-1.5/text-to-image",
        Parameters = SandboxJobs.EditModel.Parameters.Where(p => p.FieldKey != "imageUrls").ToList(),
    };

    /// <param name="guarded">Image links may not reach private addresses (the default of a server); else the fake's loopback links may be fetched.</param>
    public static OpenAiImagesEngine Engine(FakeOpenAiImages fake, CapturedLogs? logs = null, string? key = null, bool guarded = false) =>
        new(new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { [KeyName] = key ?? fake.ApiKey }).Build(),
            Microsoft.Extensions.Options.Options.Create(new RunHubOptions { Media = { AllowPrivateNetworks = !guarded } }),
            (logs ?? new CapturedLogs()).For<OpenAiImagesEngine>());

    /// <summary>A backend's settings: the fake, gpt-image-1.5, the test key, fast retries; plus any extra settings.</summary>
    public static EngineBinding Backend(FakeOpenAiImages fake, object? extra = null) => Backend(fake.Url, extra);

    public static EngineBinding Backend(string server, object? extra = null)
    {
        var settings = new JsonObject { ["server"] = server, ["model"] = "gpt-image-1.5", ["apiKeyEnv"] = KeyName, ["retryDelayMs"] = 10 };
        if (extra is not null)
            foreach (var (name, value) in JsonSerializer.SerializeToNode(extra)!.AsObject())
                settings[name] = value?.DeepClone();
        return new EngineBinding(OpenAiImagesEngine.EngineName, JsonSerializer.SerializeToElement(settings));
    }

    public static EngineJob Edit(EngineBinding backend, string aspectRatio, params byte[][] images) =>
        new EngineJob("2013508786110730241", SandboxJobs.EditModel,
            Parameters(("prompt", "Make it look like winter"), ("aspectRatio", aspectRatio)),
            images.Select(Input).ToList()) { Backend = backend };

    public static EngineJob Text(EngineBinding backend, string aspectRatio, string prompt = "A lighthouse at dawn") =>
        new EngineJob("2013508786110730242", TextModel, Parameters(("prompt", prompt), ("aspectRatio", aspectRatio)), []) { Backend = backend };

    public static Task<EngineOutput> RunAsync(this OpenAiImagesEngine engine, EngineJob job) => engine.RunAsync(job, CancellationToken.None);

    private static IReadOnlyDictionary<string, JsonElement> Parameters(params (string Name, string Value)[] values) =>
        values.ToDictionary(v => v.Name, v => JsonSerializer.SerializeToElement(v.Value));

    private static MediaInput Input(byte[] data, int index) => SandboxJobs.Input(index, data);
}
