using System.Text.Json.Nodes;
using RunHub.Catalog;
using RunHub.Tests.Support;

namespace RunHub.Tests.Catalog;

/// <summary>
/// An invalid catalog stops the server at start with one plain line naming the model, the field, the problem and
/// the fix (issue 11 item 12) — never a silent start that fails tasks later, never a stack trace.
/// </summary>
public sealed class InvalidCatalogTests
{
    private const string Edit = "rhart-image-g-1.5/edit";

    /// <summary>Each case breaks a copy of the shipped catalog in one place: (name, change, fragments the message must hold).</summary>
    public static TheoryData<string> Cases => new(Breakages.Keys);

    private static readonly Dictionary<string, (Action<JsonObject, JsonObject> Break, string[] Expected)> Breakages = new()
    {
        ["negative price"] = ((_, p) => Price(p)["price"] = -0.03, ["price", "-0.03 is negative", "0 (free) or more"]),
        ["negative rule price"] = ((_, p) => p["pricing"]![0] = JsonNode.Parse(
            $$"""{"endpoint": "{{Edit}}", "pricing_type": "parameter_based", "rules": [{"when": {"aspectRatio": "1:1"}, "price": -2}]}"""),
            ["rule #0", "-2 is negative"]),
        ["price beyond the largest unit price"] = ((_, p) => Price(p)["price"] = 99999999999999999, ["more than the largest unit price"]),
        ["price too large for a number"] = ((_, p) => Price(p)["price"] = JsonNode.Parse("1e30"), ["too large"]),
        ["min above max"] = ((m, _) => Params(m).Add(JsonNode.Parse("""{"fieldKey": "steps", "type": "INT", "min": 50, "max": 1}""")),
            ["\"steps\"", "50 is above max 1", "lower min or raise max"]),
        ["minLength above maxLength"] = ((m, _) => Params(m)[0]!["minLength"] = 900, ["\"prompt\"", "900 is above maxLength 800", "lower minLength"]),
        ["duplicate endpoint"] = ((m, _) => Models(m).Add(Models(m)[0]!.DeepClone()), [Edit, "listed more than once", "one entry per endpoint"]),
        ["duplicate price"] = ((_, p) => ((JsonArray)p["pricing"]!).Add(Price(p).DeepClone()), [Edit, "priced more than once"]),
        ["unknown engine"] = ((m, _) => Models(m)[0]!["engine"] = new JsonObject { ["name"] = "sandbx" },
            [Edit, "\"sandbx\"", "no such engine", "use one of", "sandbox"]),
        ["default not among the options"] = ((m, _) => Params(m)[2]!["defaultValue"] = "7:9", ["defaultValue", "\"7:9\" is not one of", "change the default"]),
        ["default below the minimum"] = ((m, _) => Params(m).Add(JsonNode.Parse("""{"fieldKey": "n", "type": "INT", "min": 1, "max": 4, "defaultValue": 0}""")),
            ["defaultValue", "below the minimum of 1"]),
        ["maxSize of zero"] = ((m, _) => Params(m)[1]!["maxSize"] = 0, ["maxSize", "allows no file"]),
        ["maxInputNum of zero"] = ((m, _) => Params(m)[1]!["maxInputNum"] = 0, ["maxInputNum", "give 1 or more"]),
        ["step of zero"] = ((m, _) => Params(m).Add(JsonNode.Parse("""{"fieldKey": "n", "type": "FLOAT", "step": 0}""")), ["step", "more than 0"]),
        ["price rule naming no parameter"] = ((_, p) => p["pricing"]![0] = JsonNode.Parse(
            $$"""{"endpoint": "{{Edit}}", "pricing_type": "parameter_based", "rules": [{"when": {"aspect_ratio": "1:1"}, "price": 0.03}]}"""),
            ["\"aspect_ratio\" is not a parameter", "aspectRatio"]),
        ["comfyui server that is not a URL"] = ((m, _) => Models(m)[0]!["engine"] = JsonNode.Parse(
            """{"name": "comfyui", "settings": {"server": "notaurl", "workflow": "w.json", "bindings": []}}"""), [Edit, "comfyui", "\"notaurl\" is not an http(s) URL"]),
        ["comfyui workflow file missing"] = ((m, _) => Models(m)[0]!["engine"] = JsonNode.Parse(
            """{"name": "comfyui", "settings": {"server": "http://127.0.0.1:8188", "workflow": "missing.json", "bindings": []}}"""), [Edit, "missing.json", "not found"]),
        ["openai-images without a model"] = ((m, _) => Models(m)[0]!["engine"] = JsonNode.Parse("""{"name": "openai-images", "settings": {}}"""),
            [Edit, "openai-images", "\"model\": required"]),
        ["runninghub without a key variable"] = ((m, _) => Models(m)[0]!["engine"] = JsonNode.Parse("""{"name": "runninghub"}"""), [Edit, "apiKeyEnv"]),
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void An_invalid_catalog_refuses_to_start_with_one_line_naming_the_problem(string name)
    {
        var (breakIt, expected) = Breakages[name];
        using var catalog = BrokenCatalog(breakIt);
        using var data = new TempDirectory();

        var error = Assert.Throws<CatalogFormatException>(() =>
            RunHubApp.Build(new Dictionary<string, string?> { ["RunHub:CatalogDir"] = catalog.Path, ["RunHub:DataDir"] = data.Path }));

        Assert.DoesNotContain('\n', error.Message);
        foreach (var fragment in expected) Assert.Contains(fragment, error.Message);
    }

    [Fact]
    public void The_shipped_catalog_and_the_public_registry_still_load()
    {
        Assert.NotEmpty(ModelCatalog.LoadDirectory(RepoPaths.Catalog).Models);
        var registry = RegistryReader.Read(Path.Combine(RepoPaths.RunningHubFixtures, "model-registry.public.json"),
            Path.Combine(RepoPaths.RunningHubFixtures, "pricing.public.json"));
        Assert.True(registry.Count > 250);
    }

    [Fact]
    public async Task Serve_with_an_unknown_engine_exits_1_with_one_plain_line()
    {
        using var catalog = BrokenCatalog(Breakages["unknown engine"].Break);
        using var data = new TempDirectory();

        var (code, _, stderr) = await ServerProcess.RunAsync(["serve", "--urls", "http://127.0.0.1:0", "--data", data.Path],
            new Dictionary<string, string> { ["RunHub__CatalogDir"] = catalog.Path });

        Assert.Equal(1, code);
        var line = Assert.Single(stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith("runhub: catalog: model \"rhart-image-g-1.5/edit\", engine \"sandbx\": no such engine", line);
    }

    [Fact]
    public async Task Serve_with_a_negative_price_exits_1_with_one_plain_line()
    {
        using var catalog = BrokenCatalog(Breakages["negative price"].Break);
        using var data = new TempDirectory();

        var (code, _, stderr) = await ServerProcess.RunAsync(["serve", "--urls", "http://127.0.0.1:0", "--data", data.Path],
            new Dictionary<string, string> { ["RunHub__CatalogDir"] = catalog.Path });

        Assert.Equal(1, code);
        var line = Assert.Single(stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Contains("-0.03 is negative", line);
    }

    private static TempDirectory BrokenCatalog(Action<JsonObject, JsonObject> breakIt)
    {
        var models = JsonNode.Parse(File.ReadAllText(Path.Combine(RepoPaths.Catalog, "models.json")))!.AsObject();
        var pricing = JsonNode.Parse(File.ReadAllText(Path.Combine(RepoPaths.Catalog, "pricing.json")))!.AsObject();
        breakIt(models, pricing);
        var dir = new TempDirectory();
        File.WriteAllText(Path.Combine(dir.Path, "models.json"), models.ToJsonString());
        File.WriteAllText(Path.Combine(dir.Path, "pricing.json"), pricing.ToJsonString());
        return dir;
    }

    private static JsonArray Models(JsonObject models) => (JsonArray)models["models"]!;

    private static JsonArray Params(JsonObject models) => (JsonArray)Models(models)[0]!["params"]!;

    private static JsonObject Price(JsonObject pricing) => (JsonObject)pricing["pricing"]![0]!;
}
