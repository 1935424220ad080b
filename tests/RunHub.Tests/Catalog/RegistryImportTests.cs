using RunHub.Accounts;
using RunHub.Catalog;
using static RunHub.Tests.Catalog.RunningHubRegistry;

namespace RunHub.Tests.Catalog;

public class RegistryImportTests
{
    [Fact]
    public void Public_registry_loads_all_299_models()
    {
        Assert.Equal(299, Models.Count);
        Assert.Equal(299, Models.Select(m => m.Endpoint).Distinct().Count());
        Assert.All(Models, m => Assert.False(string.IsNullOrEmpty(m.OutputType)));
    }

    [Fact]
    public void Deprecated_seed_keeps_its_documented_rules()
    {
        var seed = Model("rhart-image-g-1.5/edit-[Deprecated]");

        Assert.Equal("image", seed.OutputType);
        var prompt = seed.Parameters.Single(p => p.FieldKey == "prompt");
        Assert.Equal(ParameterType.String, prompt.Type);
        Assert.True(prompt.Required);
        Assert.Equal(800, prompt.MaxLength);

        var images = seed.Parameters.Single(p => p.FieldKey == "imageUrls");
        Assert.Equal(ParameterType.Image, images.Type);
        Assert.True(images.MultipleInputs);
        Assert.Equal(2, images.MaxInputNum);
        Assert.Equal(new[] { "JPG", "PNG" }, images.Accept);
        Assert.Equal(10, images.MaxSizeMb);

        var aspect = seed.Parameters.Single(p => p.FieldKey == "aspectRatio");
        Assert.Equal(new[] { "auto", "1:1", "3:2", "2:3" }, aspect.Options);
    }

    [Fact]
    public void Registry_defaults_are_kept_as_json_values_of_their_own_kind()
    {
        var face = Model("hitem3d-portrait-v15/image-to-3d").Parameters.Single(p => p.FieldKey == "face");

        Assert.Equal(ParameterType.Int, face.Type);
        Assert.Equal(2000000, face.DefaultValue!.Value.GetInt32());
        Assert.Equal(100000, face.Min);
        Assert.Equal(2000000, face.Max);
        Assert.Equal(10000, face.Step);
    }

    [Fact]
    public void Minimum_without_maximum_is_read_as_open_ended()
    {
        var upscale = Model("image-enhance/hypir-balance").Parameters.Single(p => p.FieldKey == "upscale");

        Assert.Equal(1, upscale.Min);
        Assert.Null(upscale.Max);
    }

    [Fact]
    public void Fixed_price_of_the_deprecated_seed_is_three_fen_per_call()
    {
        var price = Model("rhart-image-g-1.5/edit-[Deprecated]").Price!;

        Assert.Equal(Money.FromDecimal(0.03m), price.FixedPrice);
        Assert.Equal(PriceUnitKind.PerCall, price.Unit.Kind);
        Assert.Equal("CNY", price.Currency);
        Assert.Equal("/次", price.UnitText);
        Assert.Equal(Money.FromDecimal(0.03m), price.Quote(Parameters("""{"prompt": "hello there", "aspectRatio": "1:1"}""")));
    }

    [Fact]
    public void Parameter_based_price_picks_the_rule_matching_every_condition()
    {
        var price = Model("rhart-image-g-1.5-official/image-to-image").Price!;

        Assert.Equal(Money.FromDecimal(1.26m), price.Quote(Parameters("""{"quality": "high", "size": "1536*1024"}""")));
        Assert.Equal(Money.FromDecimal(0.06m), price.Quote(Parameters("""{"quality": "low", "size": "1024*1024"}""")));
    }

    [Fact]
    public void Parameter_based_price_uses_the_models_defaults_for_omitted_fields()
    {
        // quality defaults to medium and size to 1024*1024 in the registry.
        var price = Model("rhart-image-g-1.5-official/image-to-image").Price!;

        Assert.Equal(Money.FromDecimal(0.21m), price.Quote(Parameters("{}")));
    }

    [Fact]
    public void Unparsed_price_leaves_the_model_without_a_price()
    {
        var model = Model("alibaba/wan-2.7/reference-to-video");

        Assert.Null(model.Price);
    }

    [Fact]
    public void Per_second_model_quotes_the_rate_times_the_duration()
    {
        var price = Model("kling-v3.0-std/text-to-video").Price!;

        Assert.Equal(PriceUnitKind.PerSecond, price.Unit.Kind);
        Assert.Equal(Money.FromDecimal(7.80m), price.Quote(Parameters("""{"sound": true, "duration": "10"}""")));
        Assert.Equal(Money.FromDecimal(5.20m), price.Quote(Parameters("""{"sound": "false", "duration": 10}""")));
    }

    [Fact]
    public void Per_second_model_without_a_duration_in_the_request_uses_the_default_duration()
    {
        // duration defaults to "5", sound to true.
        var price = Model("kling-v3.0-std/text-to-video").Price!;

        Assert.Equal(Money.FromDecimal(3.90m), price.Quote(Parameters("{}")));
    }

    [Fact]
    public void Per_second_model_whose_length_follows_its_input_video_has_no_price()
    {
        Assert.Null(Model("rhart-video/video-upscaler").Price);
    }

    [Fact]
    public void Per_image_model_quotes_the_rate_times_the_image_count()
    {
        var price = Model("alibaba/qwen-image-2.0/text-to-image").Price!;

        Assert.Equal(Money.FromDecimal(0.39m), price.Quote(Parameters("""{"imageNum": "3"}""")));
        Assert.Equal(Money.FromDecimal(0.13m), price.Quote(Parameters("{}")));
    }

    [Fact]
    public void Per_thousand_characters_model_quotes_each_started_thousand()
    {
        var price = Model("rhart-audio/text-to-audio/speech-02-hd").Price!;
        var text = new string('字', 1500);

        Assert.Equal(Money.FromDecimal(0.62m), price.Quote(new Dictionary<string, System.Text.Json.JsonElement>
        {
            ["text"] = Json(System.Text.Json.JsonSerializer.Serialize(text)),
        }));
    }

    [Fact]
    public void Every_priced_fixture_model_quotes_its_defaults_or_says_why_not()
    {
        // A quote must never throw, whatever the registry holds.
        foreach (var model in Models.Where(m => m.Price is not null))
            _ = model.Price!.Quote(Parameters("{}"));
        Assert.True(Models.Count(m => m.Price is not null) > 250);
    }
}
