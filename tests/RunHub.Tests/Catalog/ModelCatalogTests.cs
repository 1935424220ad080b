using RunHub.Catalog;
using static RunHub.Tests.Catalog.RunningHubRegistry;

namespace RunHub.Tests.Catalog;

public sealed class ModelCatalogTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("runhub-catalog-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string Write(string name, string json)
    {
        var path = Path.Combine(_dir, name);
        File.WriteAllText(path, json);
        return path;
    }

    private static ModelEntry Model(string endpoint, string outputType = "image") =>
        new() { Endpoint = endpoint, OutputType = outputType, Parameters = [] };

    [Fact]
    public void Folder_without_pricing_loads_its_models_unpriced()
    {
        Write(ModelCatalog.ModelsFile, """{"models": [{"endpoint": "a/b", "output_type": "image", "engine": {"name": "sandbox"}}]}""");

        var catalog = ModelCatalog.LoadDirectory(_dir);

        var model = Assert.Single(catalog.Models);
        Assert.Null(model.Price);
        Assert.Equal("sandbox", model.Engine!.Name);
    }

    [Fact]
    public void Folder_tolerates_comments_and_trailing_commas()
    {
        Write(ModelCatalog.ModelsFile, """
            // hand-edited
            {"models": [{"endpoint": "a/b", "output_type": "image",},],}
            """);

        Assert.NotNull(ModelCatalog.LoadDirectory(_dir).Find("a/b"));
    }

    [Fact]
    public void Missing_folder_or_models_file_is_refused_with_the_path()
    {
        var missing = Path.Combine(_dir, "nowhere");

        Assert.Contains("nowhere", Assert.Throws<CatalogFormatException>(() => ModelCatalog.LoadDirectory(missing)).Message);
        Assert.Contains(ModelCatalog.ModelsFile, Assert.Throws<CatalogFormatException>(() => ModelCatalog.LoadDirectory(_dir)).Message);
    }

    [Fact]
    public void Invalid_json_is_refused_with_the_file_path()
    {
        var path = Write(ModelCatalog.ModelsFile, """{"models": [""");

        var error = Assert.Throws<CatalogFormatException>(() => ModelCatalog.LoadDirectory(_dir));

        Assert.Contains(path, error.Message);
    }

    [Fact]
    public void Import_of_the_public_registry_adds_its_models_after_the_shipped_ones_and_maps_the_renamed_seeds_onto_them()
    {
        var catalog = ModelCatalog.LoadDirectory(RepoPaths.Catalog).Import(RegistryPath, PricingPath);

        // 299 registry models; its two renamed seed models (edit-[Deprecated], text-to-image-[Deprecated]) are the shipped two.
        Assert.Equal(299, catalog.Models.Count);
        Assert.Equal("rhart-image-g-1.5/edit", catalog.Models[0].Endpoint);
        Assert.Equal("sandbox", catalog.Find("rhart-image-g-1.5/edit-[Deprecated]")!.Engine!.Name);
        Assert.Same(catalog.Find("rhart-image-g-1.5/edit"), catalog.Find("rhart-image-g-1.5/edit-[Deprecated]"));
        Assert.Null(catalog.Find("alibaba/wan-2.7/reference-to-video")!.Engine);
        Assert.NotNull(catalog.Find("alibaba/wan-2.7/reference-to-video"));
    }

    [Fact]
    public void A_registry_maps_a_model_marked_deprecated_to_its_former_name_unless_it_has_a_model_of_that_name()
    {
        Write("renamed.json", """
            {"models": [
                {"endpoint": "a/edit-[Deprecated]", "output_type": "image"},
                {"endpoint": "b/video-pro-deprecated", "output_type": "video"},
                {"endpoint": "c/old-deprecated", "output_type": "video"}, {"endpoint": "c/old", "output_type": "video"}]}
            """);

        var catalog = ModelCatalog.Empty.Import(Path.Combine(_dir, "renamed.json"));

        Assert.Equal("a/edit-[Deprecated]", catalog.Find("a/edit")!.Endpoint);
        Assert.Equal("b/video-pro-deprecated", catalog.Find("b/video-pro")!.Endpoint);
        Assert.Equal("c/old", catalog.Find("c/old")!.Endpoint);
        Assert.Empty(catalog.Find("c/old-deprecated")!.Aliases);
    }

    [Fact]
    public void A_renamed_import_with_an_engine_replaces_the_catalog_model_and_keeps_its_old_name()
    {
        var shipped = ModelCatalog.LoadDirectory(RepoPaths.Catalog);
        var upstream = Model("rhart-image-g-1.5/edit-[Deprecated]") with { Aliases = ["rhart-image-g-1.5/edit"], Engine = new EngineBinding("runninghub") };

        var catalog = shipped.Merge([upstream]);

        Assert.Equal(2, catalog.Models.Count);
        Assert.Equal("runninghub", catalog.Find("rhart-image-g-1.5/edit")!.Engine!.Name);
        Assert.Equal("rhart-image-g-1.5/edit-[Deprecated]", catalog.Find("rhart-image-g-1.5/edit")!.Endpoint);
    }

    [Fact]
    public void Aliases_are_read_from_the_catalog_and_may_not_name_another_model()
    {
        Write(ModelCatalog.ModelsFile, """{"models": [{"endpoint": "a/b", "output_type": "image", "aliases": ["a/b-v1", "legacy"]}]}""");
        Assert.Equal(["a/b-v1", "legacy"], ModelCatalog.LoadDirectory(_dir).Find("legacy")!.Aliases);

        Write(ModelCatalog.ModelsFile, """{"models": [{"endpoint": "a/b", "output_type": "image", "aliases": ["c/d"]}, {"endpoint": "c/d", "output_type": "image"}]}""");
        var error = Assert.Throws<CatalogFormatException>(() => ModelCatalog.LoadDirectory(_dir));
        Assert.Contains("\"c/d\" is listed more than once", error.Message);
    }

    [Fact]
    public void Import_gives_engineless_models_the_chosen_engine()
    {
        Write("extra.json", """{"models": [{"endpoint": "x/y", "output_type": "video"}, {"endpoint": "x/z", "output_type": "video", "engine": "comfyui"}]}""");

        var catalog = ModelCatalog.Empty.Import(Path.Combine(_dir, "extra.json"), engine: new EngineBinding("runninghub"));

        Assert.Equal("runninghub", catalog.Find("x/y")!.Engine!.Name);
        Assert.Equal("comfyui", catalog.Find("x/z")!.Engine!.Name);
    }

    [Fact]
    public void Later_entries_replace_earlier_ones_of_the_same_endpoint_in_place()
    {
        var first = ModelCatalog.FromModels([Model("a"), Model("b"), Model("c")]);

        var merged = first.Merge([Model("b", "video"), Model("d")]);

        Assert.Equal(["a", "b", "c", "d"], merged.Models.Select(m => m.Endpoint));
        Assert.Equal("video", merged.Find("b")!.OutputType);
        Assert.Equal("image", first.Find("b")!.OutputType);
    }

    [Fact]
    public void Import_prices_replace_nothing_outside_the_imported_pair()
    {
        Write("reg.json", """{"models": [{"endpoint": "rhart-image-g-1.5/edit", "output_type": "image"}]}""");
        Write("price.json", """{"pricing": [{"endpoint": "rhart-image-g-1.5/edit", "unit": "/次", "pricing_type": "fixed", "price": 0.05}]}""");

        var catalog = ModelCatalog.LoadDirectory(RepoPaths.Catalog).Import(Path.Combine(_dir, "reg.json"), Path.Combine(_dir, "price.json"));

        Assert.Equal(2, catalog.Models.Count);
        Assert.Equal("0.05", catalog.Find("rhart-image-g-1.5/edit")!.Price!.FixedPrice.ToString());
        Assert.Null(catalog.Find("rhart-image-g-1.5/edit")!.Engine);
        Assert.Equal("0.03", catalog.Find("rhart-image-g-1.5/text-to-image")!.Price!.FixedPrice.ToString());
    }

    [Fact]
    public void Duplicate_endpoints_among_given_models_are_refused()
    {
        var error = Assert.Throws<CatalogFormatException>(() => ModelCatalog.FromModels([Model("a/b"), Model("a/b")]));

        Assert.Contains("\"a/b\"", error.Message);
    }
}
