using System.Text.Json;
using RunHub.Catalog;

namespace RunHub.Tests.Catalog;

/// <summary>The public RunningHub registry and pricing files, read once for all catalog tests.</summary>
internal static class RunningHubRegistry
{
    public static string RegistryPath => Path.Combine(RepoPaths.RunningHubFixtures, "model-registry.public.json");

    public static string PricingPath => Path.Combine(RepoPaths.RunningHubFixtures, "pricing.public.json");

    private static readonly Lazy<IReadOnlyList<ModelEntry>> Loaded = new(() => RegistryReader.Read(RegistryPath, PricingPath));

    public static IReadOnlyList<ModelEntry> Models => Loaded.Value;

    public static ModelEntry Model(string endpoint) =>
        Models.SingleOrDefault(m => m.Endpoint == endpoint) ?? throw new InvalidOperationException($"{endpoint} is not in the fixture registry");

    public static JsonElement Json(string json)
    {
        using var document = JsonDocument.Parse(json);
        return document.RootElement.Clone();
    }

    public static Dictionary<string, JsonElement> Parameters(string json) =>
        Json(json).EnumerateObject().ToDictionary(p => p.Name, p => p.Value.Clone());
}
