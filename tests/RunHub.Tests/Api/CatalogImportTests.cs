using RunHub.Tests.Support;

namespace RunHub.Tests.Api;

/// <summary>A server configured to import RunningHub's public registry knows its models and validates against them.</summary>
public sealed class CatalogImportTests : IAsyncLifetime
{
    private TestServer _server = null!;

    public async Task InitializeAsync() => _server = await TestServer.StartAsync(new Dictionary<string, string?>
    {
        ["CatalogImports:0:Registry"] = Path.Combine(RepoPaths.RunningHubFixtures, "model-registry.public.json"),
        ["CatalogImports:0:Pricing"] = Path.Combine(RepoPaths.RunningHubFixtures, "pricing.public.json"),
    });

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task An_imported_model_validates_requests_then_answers_1010_without_an_engine_and_charges_nothing()
    {
        var caller = await _server.NewCallerAsync(balance: 5m);
        const string endpoint = "rhart-image-g-1.5-official/text-to-image";
        var invalid = await caller.SubmitAsync(endpoint, new { prompt = "a quiet harbour", size = "999*999", quality = "high" });
        Assert.Equal("1007", (string)invalid["errorCode"]!);
        Assert.Contains("size", (string)invalid["errorMessage"]!);

        var valid = await caller.SubmitAsync(endpoint, new { prompt = "a quiet harbour", size = "1024*1024", quality = "high" });
        Assert.Equal("1010", (string)valid["errorCode"]!);
        Assert.Equal(5m, await caller.BalanceAsync());
    }

    [Fact]
    public async Task The_shipped_seed_models_stay_served_beside_the_imported_registry()
    {
        var caller = await _server.NewCallerAsync();
        var submitted = await caller.SubmitAsync("rhart-image-g-1.5/text-to-image", new { prompt = "still on the sandbox", aspectRatio = "1:1" });
        Assert.Equal("SUCCESS", (string)(await caller.WaitAsync((string)submitted["taskId"]!))["status"]!);
    }
}
