using RunHub.Wire;
using System.Text.Json;
using Microsoft.Extensions.Options;
using RunHub.Api;
using RunHub.Catalog;
using RunHub.Engines;
using RunHub.Media;
using RunHub.Files;
using RunHub.Tasks;

namespace RunHub.Bench.Scenarios;

/// <summary>
/// The seed request as the engine receives it from a worker: validated against the shipped catalog, stored as
/// JSON and read back, its data: URI fetched and probed by the server's own <see cref="InputFetcher"/> — the
/// same steps <c>TaskRunner</c> takes, done once here so that timing the engine alone times only the engine.
/// </summary>
internal static class SeedJob
{
    public static async Task<EngineJob> BuildAsync(string scratchDir)
    {
        var options = new RunHubOptions();
        var model = ModelCatalog.Load(options).Find(BenchRequests.Endpoint)
            ?? throw new InvalidOperationException($"{BenchRequests.Endpoint} is not in the shipped catalog");
        using var body = JsonDocument.Parse(BenchRequests.SubmitBody);
        var outcome = RequestValidator.Validate(model, body.RootElement, strict: false);
        var validated = outcome.Request ?? throw new InvalidOperationException("the seed request is invalid: " + string.Join("; ", outcome.Errors));

        using var parameters = JsonDocument.Parse(JsonSerializer.Serialize(validated.Parameters, WireJson.Options));
        using var fetcher = new InputFetcher(Options.Create(options), new LocalFileStore(scratchDir));
        var inputs = new List<MediaInput>();
        foreach (var (reference, spec) in MediaReferences.Of(model, parameters.RootElement))
            inputs.Add(await fetcher.FetchAsync(reference, spec, CancellationToken.None));
        var values = parameters.RootElement.EnumerateObject().ToDictionary(p => p.Name, p => p.Value.Clone());
        return new EngineJob("2013508786110730241", model, values, inputs);
    }
}
