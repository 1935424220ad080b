using System.Text.Json;
using RunHub.Catalog;
using static RunHub.Tests.Catalog.RunningHubRegistry;

namespace RunHub.Tests.Catalog;

/// <summary>A model's backends: one engine, an ordered list, and server pools expanded into one backend per server.</summary>
public class EngineListTests
{
    private static ModelEntry Read(string fields) =>
        Assert.Single(RegistryReader.ReadRegistry(Json($$"""{"models": [{"endpoint": "a/b", "output_type": "image", {{fields}}}]}"""), "test.json"));

    private static string Refusal(string fields) => Assert.Throws<CatalogFormatException>(() => Read(fields)).Message;

    private static string? Setting(EngineBinding backend, string name) =>
        backend.Settings is { } s && s.TryGetProperty(name, out var v) ? v.ToString() : null;

    [Fact]
    public void Engines_list_keeps_catalog_order_and_each_backends_settings()
    {
        var model = Read("""
            "engines": [{"name": "comfyui", "settings": {"server": "http://10.0.0.5:8188", "workflow": "edit.json"}},
                        {"name": "openai-images", "settings": {"apiKeyEnv": "OPENAI_API_KEY"}}]
            """);

        Assert.Equal(new[] { "comfyui", "openai-images" }, model.Engines.Select(e => e.Name));
        Assert.Equal("http://10.0.0.5:8188", Setting(model.Engines[0], "server"));
        Assert.Equal("OPENAI_API_KEY", Setting(model.Engines[1], "apiKeyEnv"));
        Assert.Same(model.Engines[0], model.Engine);
    }

    [Fact]
    public void Servers_expand_into_one_backend_per_server_keeping_other_settings()
    {
        var model = Read("""
            "engines": [{"name": "comfyui", "settings": {"servers": ["http://a:8188", "http://b:8188"], "workflow": "edit.json"}},
                        "sandbox"]
            """);

        Assert.Equal(new[] { "comfyui", "comfyui", "sandbox" }, model.Engines.Select(e => e.Name));
        Assert.Equal("http://a:8188", Setting(model.Engines[0], "server"));
        Assert.Equal("http://b:8188", Setting(model.Engines[1], "server"));
        Assert.All(model.Engines.Take(2), e => Assert.Equal("edit.json", Setting(e, "workflow")));
        Assert.All(model.Engines.Take(2), e => Assert.Null(Setting(e, "servers")));
        Assert.Null(model.Engines[2].Settings);
    }

    [Fact]
    public void A_single_engine_with_servers_is_a_pool_too()
    {
        var model = Read("""
            "engine": {"name": "comfyui", "settings": {"servers": ["http://a:8188", "https://b.example"]}}
            """);

        Assert.Equal(new[] { "http://a:8188", "https://b.example" }, model.Engines.Select(e => Setting(e, "server")));
    }

    [Fact]
    public void Setting_the_single_engine_replaces_the_list()
    {
        var model = Read("""
            "engines": [{"name": "comfyui"}, {"name": "sandbox"}]
            """) with { Engine = new EngineBinding("runninghub") };

        Assert.Equal("runninghub", Assert.Single(model.Engines).Name);
    }

    [Theory]
    [InlineData("""
        "engine": {"name": "sandbox"}, "engines": [{"name": "sandbox"}]
        """, "engines")]
    [InlineData("""
        "engines": {"name": "sandbox"}
        """, "engines")]
    [InlineData("""
        "engines": []
        """, "engines")]
    [InlineData("""
        "engines": [{"name": "sandbox"}, 7]
        """, "engines[1]")]
    [InlineData("""
        "engines": [{"settings": {}}]
        """, "name")]
    [InlineData("""
        "engines": [{"name": "comfyui", "settings": [1]}]
        """, "settings")]
    [InlineData("""
        "engines": [{"name": "comfyui", "settings": {"servers": "http://a:8188"}}]
        """, "servers")]
    [InlineData("""
        "engines": [{"name": "comfyui", "settings": {"servers": []}}]
        """, "servers")]
    [InlineData("""
        "engines": [{"name": "comfyui", "settings": {"servers": ["http://a:8188", 5]}}]
        """, "servers[1]")]
    [InlineData("""
        "engines": [{"name": "comfyui", "settings": {"servers": ["ftp://a"]}}]
        """, "servers[0]")]
    [InlineData("""
        "engines": [{"name": "comfyui", "settings": {"server": "http://a", "servers": ["http://b"]}}]
        """, "servers")]
    [InlineData("""
        "engine": {"name": "comfyui", "settings": {"servers": [""]}}
        """, "servers[0]")]
    public void Broken_backend_list_is_refused_naming_the_model_and_field(string fields, string field)
    {
        var message = Refusal(fields);

        Assert.Contains("test.json", message);
        Assert.Contains("\"a/b\"", message);
        Assert.Contains(field, message);
    }

    [Fact]
    public void Writer_round_trips_the_backends_as_expanded()
    {
        var model = Read("""
            "timeoutSeconds": 90,
            "engines": [{"name": "comfyui", "settings": {"servers": ["http://a:8188", "http://b:8188"], "steps": 4}},
                        {"name": "openai-images", "settings": {"apiKeyEnv": "OPENAI_API_KEY"}}]
            """);

        var written = RegistryWriter.Write([model], "v", withEngines: true).ToJsonString();
        var back = Assert.Single(RegistryReader.ReadRegistry(Json(written), "written.json"));

        Assert.Equal(model.Engines.Select(e => e.Name), back.Engines.Select(e => e.Name));
        Assert.All(model.Engines.Zip(back.Engines), pair =>
            Assert.True(JsonElement.DeepEquals(pair.First.Settings!.Value, pair.Second.Settings!.Value), pair.Second.Settings!.Value.GetRawText()));
        Assert.Equal(TimeSpan.FromSeconds(90), back.Timeout);
    }

    [Fact]
    public void Model_listing_for_clients_leaves_the_backends_out()
    {
        var model = Read("""
            "engines": [{"name": "comfyui", "settings": {"server": "http://10.0.0.5:8188"}}]
            """);

        var written = RegistryWriter.Write([model], "v").ToJsonString();

        Assert.DoesNotContain("10.0.0.5", written);
        Assert.DoesNotContain("engines", written);
        Assert.Empty(Assert.Single(RegistryReader.ReadRegistry(Json(written), "listing.json")).Engines);
    }
}
