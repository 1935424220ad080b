using System.Text.Json;
using RunHub.Catalog;
using RunHub.Tests.Support;

namespace RunHub.Tests.Api;

/// <summary><c>GET /openapi/v2/models</c> (a RunHub extension): the catalog in RunningHub's registry shape, with prices.</summary>
public sealed class ModelsEndpointTests : IAsyncLifetime
{
    private TestServer _server = null!;

    public async Task InitializeAsync() => _server = await TestServer.StartAsync();

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task Models_lists_the_catalog_with_schemas_and_prices_without_a_key()
    {
        using var response = await _server.Http.GetAsync("/openapi/v2/models");
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        var root = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal(2, root.GetProperty("model_count").GetInt32());
        var edit = root.GetProperty("models").EnumerateArray().Single(m => m.GetProperty("endpoint").GetString() == "rhart-image-g-1.5/edit");
        Assert.Equal("image", edit.GetProperty("output_type").GetString());
        var images = edit.GetProperty("params").EnumerateArray().Single(p => p.GetProperty("fieldKey").GetString() == "imageUrls");
        Assert.Equal("IMAGE", images.GetProperty("type").GetString());
        Assert.Equal(2, images.GetProperty("maxInputNum").GetInt32());
        Assert.Equal("[\"JPG\",\"PNG\"]", images.GetProperty("accept").GetString());
        var pricing = edit.GetProperty("pricing");
        Assert.Equal("fixed", pricing.GetProperty("pricing_type").GetString());
        Assert.Equal(0.03m, pricing.GetProperty("price").GetDecimal());
        Assert.Equal("CNY", pricing.GetProperty("currency").GetString());
    }

    [Fact]
    public async Task The_listing_reads_back_as_a_registry_that_validates_like_the_server()
    {
        var json = await _server.Http.GetStringAsync("/openapi/v2/models");
        using var document = JsonDocument.Parse(json);
        var models = RegistryReader.ReadRegistry(document.RootElement, "models endpoint");
        var edit = models.Single(m => m.Endpoint == "rhart-image-g-1.5/edit");
        var shipped = ModelCatalog.LoadDirectory(RepoPaths.Catalog).Find("rhart-image-g-1.5/edit")!;
        Assert.Equal(shipped.Parameters, edit.Parameters, ParameterComparer.Instance);

        using var bad = JsonDocument.Parse("""{"prompt": "abcd", "imageUrls": ["https://e.com/a.png"], "aspectRatio": "2:3"}""");
        Assert.Contains("prompt: length 4 is below the minimum of 5", RequestValidator.Validate(edit, bad.RootElement, strict: false).Errors);
    }

    private sealed class ParameterComparer : IEqualityComparer<ParameterSpec>
    {
        public static readonly ParameterComparer Instance = new();

        public bool Equals(ParameterSpec? x, ParameterSpec? y) =>
            x is not null && y is not null && x.FieldKey == y.FieldKey && x.Type == y.Type && x.Required == y.Required &&
            x.Options.SequenceEqual(y.Options) && x.MinLength == y.MinLength && x.MaxLength == y.MaxLength &&
            x.Min == y.Min && x.Max == y.Max && x.Accept.SequenceEqual(y.Accept) && x.MaxSizeMb == y.MaxSizeMb &&
            x.MultipleInputs == y.MultipleInputs && x.MaxInputNum == y.MaxInputNum;

        public int GetHashCode(ParameterSpec obj) => obj.FieldKey.GetHashCode(StringComparison.Ordinal);
    }
}
