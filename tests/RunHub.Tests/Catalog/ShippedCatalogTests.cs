using RunHub.Accounts;
using RunHub.Catalog;
using static RunHub.Tests.Catalog.RunningHubRegistry;

namespace RunHub.Tests.Catalog;

/// <summary>The catalog RunHub ships, against the seed model's documented rules.</summary>
public class ShippedCatalogTests
{
    private const string Edit = "rhart-image-g-1.5/edit";
    private const string TextToImage = "rhart-image-g-1.5/text-to-image";
    private const string OneImage = """["https://example.com/a.png"]""";

    private static readonly ModelCatalog Catalog = ModelCatalog.LoadDirectory(RepoPaths.Catalog);

    private static ValidationOutcome Validate(string endpoint, string body, bool strict = false) =>
        RequestValidator.Validate(Catalog.Find(endpoint)!, Json(body), strict);

    private static string EditBody(string prompt = "\"a sudden explosion\"", string images = OneImage, string aspect = "\"2:3\"") =>
        $$"""{"prompt": {{prompt}}, "imageUrls": {{images}}, "aspectRatio": {{aspect}}}""";

    [Fact]
    public void An_empty_string_is_a_field_not_given_and_a_blank_one_is_a_value()
    {
        Assert.Equal(["prompt: required"], Validate(Edit, EditBody(prompt: "\"\"")).Errors);
        Assert.Equal(["prompt: required"], Validate(Edit, EditBody(prompt: "null")).Errors);
        Assert.True(Validate(Edit, EditBody(prompt: "\"     \"")).Request is not null);
        Assert.Equal(["prompt: length 1 is below the minimum of 5"], Validate(Edit, EditBody(prompt: "\"\\u0000\"")).Errors);
    }

    [Fact]
    public void Shipped_catalog_serves_the_two_seed_models_on_the_sandbox()
    {
        Assert.Equal([Edit, TextToImage], Catalog.Models.Select(m => m.Endpoint));
        Assert.All(Catalog.Models, m =>
        {
            Assert.Equal("image", m.OutputType);
            Assert.Equal("sandbox", m.Engine?.Name);
            Assert.Equal(TimeSpan.FromSeconds(600), m.Timeout);
        });
    }

    [Fact]
    public void Shipped_models_cost_three_fen_per_call()
    {
        foreach (var model in Catalog.Models)
        {
            Assert.Equal(PriceUnitKind.PerCall, model.Price!.Unit.Kind);
            Assert.Equal(Money.FromDecimal(0.03m), model.Price.Quote(Parameters("""{"prompt": "hello", "aspectRatio": "1:1"}""")));
        }
    }

    [Fact]
    public void Edit_parameters_follow_the_documented_seed()
    {
        var parameters = Catalog.Find(Edit)!.Parameters;

        Assert.Equal(["prompt", "imageUrls", "aspectRatio"], parameters.Select(p => p.FieldKey));
        Assert.All(parameters, p => Assert.True(p.Required));
        var images = parameters[1];
        Assert.Equal(new[] { "JPG", "PNG" }, images.Accept);
        Assert.Equal(10, images.MaxSizeMb);
        Assert.Null(parameters[2].DefaultValue);
    }

    [Fact]
    public void Find_is_exact_and_case_sensitive()
    {
        Assert.NotNull(Catalog.Find(Edit));
        Assert.Null(Catalog.Find("rhart-image-g-1.5/Edit"));
        Assert.Null(Catalog.Find("rhart-image-g-1.5/edit/"));
        Assert.Null(Catalog.Find("rhart-image-g-1.5/edit-[deprecated]"));
    }

    [Fact]
    public void The_seed_models_answer_to_the_names_runninghub_renamed_them_to()
    {
        Assert.Same(Catalog.Find(Edit), Catalog.Find("rhart-image-g-1.5/edit-[Deprecated]"));
        Assert.Same(Catalog.Find(TextToImage), Catalog.Find("rhart-image-g-1.5/text-to-image-[Deprecated]"));
        Assert.Equal(Edit, Catalog.Find("rhart-image-g-1.5/edit-[Deprecated]")!.Endpoint);
    }

    [Fact]
    public void Prompt_shorter_than_minimum_is_refused_with_the_rule()
    {
        var outcome = Validate(Edit, EditBody(prompt: "\"boom\""));

        Assert.Equal(["prompt: length 4 is below the minimum of 5"], outcome.Errors);
    }

    [Fact]
    public void Prompt_of_801_characters_is_refused_and_800_accepted()
    {
        Assert.Equal(["prompt: length 801 is above the maximum of 800"], Validate(Edit, EditBody(prompt: $"\"{new string('x', 801)}\"")).Errors);
        Assert.True(Validate(Edit, EditBody(prompt: $"\"{new string('x', 800)}\"")).IsValid);
    }

    [Fact]
    public void Prompt_length_counts_code_points_not_utf16_units()
    {
        // 800 emoji are 1600 UTF-16 units but 800 characters.
        var emoji = string.Concat(Enumerable.Repeat("😀", 800));

        Assert.True(Validate(Edit, EditBody(prompt: $"\"{emoji}\"")).IsValid);
    }

    [Fact]
    public void Three_images_are_refused()
    {
        var outcome = Validate(Edit, EditBody(images: """["https://e.com/1.png", "https://e.com/2.png", "https://e.com/3.png"]"""));

        Assert.Equal(["imageUrls: 3 files given, at most 2 allowed"], outcome.Errors);
    }

    [Fact]
    public void No_images_are_refused()
    {
        Assert.Equal(["imageUrls: 0 files given, at least 1 required"], Validate(Edit, EditBody(images: "[]")).Errors);
        Assert.Equal(["imageUrls: required"], Validate(Edit, """{"prompt": "a sudden explosion", "aspectRatio": "1:1"}""").Errors);
    }

    [Fact]
    public void Two_images_are_accepted_in_order()
    {
        var outcome = Validate(Edit, EditBody(images: """["https://e.com/1.png", "https://e.com/2.png"]"""));

        Assert.True(outcome.IsValid, outcome.ErrorMessage);
        Assert.Equal(["https://e.com/1.png", "https://e.com/2.png"], outcome.Request.Media.Select(m => m.Url));
    }

    [Fact]
    public void Aspect_ratio_outside_the_four_options_is_refused()
    {
        var outcome = Validate(Edit, EditBody(aspect: "\"4:5\""));

        Assert.Equal(["aspectRatio: \"4:5\" is not one of auto, 1:1, 3:2, 2:3"], outcome.Errors);
    }

    [Fact]
    public void Aspect_ratio_has_no_default_and_must_be_sent()
    {
        Assert.Equal(["aspectRatio: required"], Validate(Edit, $$"""{"prompt": "a sudden explosion", "imageUrls": {{OneImage}}}""").Errors);
        Assert.Equal(["aspectRatio: required"], Validate(TextToImage, """{"prompt": "a sudden explosion"}""").Errors);
    }

    [Theory]
    [InlineData("auto")]
    [InlineData("1:1")]
    [InlineData("3:2")]
    [InlineData("2:3")]
    public void Each_documented_aspect_ratio_is_accepted(string aspect)
    {
        var edit = Validate(Edit, EditBody(aspect: $"\"{aspect}\""));
        var textToImage = Validate(TextToImage, $$"""{"prompt": "a quiet lake", "aspectRatio": "{{aspect}}"}""");

        Assert.True(edit.IsValid, edit.ErrorMessage);
        Assert.True(textToImage.IsValid, textToImage.ErrorMessage);
        Assert.Equal(aspect, edit.Request.Parameters["aspectRatio"].GetString());
    }

    [Fact]
    public void A_number_for_a_text_parameter_is_taken_as_its_text_unless_strict()
    {
        const string body = """{"prompt": 1234567, "aspectRatio": "1:1"}""";
        var outcome = Validate(TextToImage, body);

        Assert.True(outcome.IsValid, outcome.ErrorMessage);
        Assert.Equal(System.Text.Json.JsonValueKind.String, outcome.Request.Parameters["prompt"].ValueKind);
        Assert.Equal("1234567", outcome.Request.Parameters["prompt"].GetString());
        Assert.Equal(["prompt: expected a string"], Validate(TextToImage, body, strict: true).Errors);
    }

    [Fact]
    public void Text_to_image_takes_no_images_it_ignores_them_or_refuses_them_in_strict_mode()
    {
        var body = $$"""{"prompt": "a quiet lake", "aspectRatio": "1:1", "imageUrls": {{OneImage}}}""";
        var outcome = Validate(TextToImage, body);
        Assert.True(outcome.IsValid, outcome.ErrorMessage);
        Assert.False(outcome.Request.Parameters.ContainsKey("imageUrls"));
        Assert.Empty(outcome.Request.Media);
        Assert.Equal(["imageUrls"], outcome.IgnoredFields);

        Assert.Equal(["imageUrls: not a parameter of rhart-image-g-1.5/text-to-image"], Validate(TextToImage, body, strict: true).Errors);
    }

    [Fact]
    public void A_body_of_many_undeclared_fields_names_the_first_twenty_and_counts_the_rest()
    {
        // 5,000 fields the model does not declare, each name twice, around the real ones: a body of that many fields is
        // well within the submit's size limit. Before, every name was kept (and each searched for among those kept).
        var extra = string.Join(", ", Enumerable.Range(0, 10_000).Select(i => $"\"x{i % 5_000}\": 0"));
        var body = $$"""{{{extra}}, "prompt": "a quiet lake", "aspectRatio": "1:1"}""";

        var outcome = Validate(TextToImage, body);
        Assert.True(outcome.IsValid, outcome.ErrorMessage);
        Assert.Equal(Enumerable.Range(0, RequestValidator.MaxNamedFields).Select(i => $"x{i}"), outcome.IgnoredFields);
        Assert.Equal(10_000, outcome.IgnoredFieldCount);

        var strict = Validate(TextToImage, body, strict: true);
        Assert.Equal(RequestValidator.MaxNamedFields + 1, strict.Errors.Count);
        Assert.Equal("x0: not a parameter of rhart-image-g-1.5/text-to-image", strict.Errors[0]);
        // Each field is named or counted once, however often it is given: 5,000 fields, 20 of them named.
        Assert.Equal($"and {5_000 - RequestValidator.MaxNamedFields} more fields that rhart-image-g-1.5/text-to-image does not declare or that are given more than once",
            strict.Errors[^1]);
    }

    [Fact]
    public void Strict_mode_names_a_field_given_many_times_once()
    {
        // An undeclared field and a declared one, each given three times. Before, each repeat was named again: a field
        // given twenty times filled the refusal with its own name.
        const string body = """{"seed": 1, "seed": 2, "seed": 3, "prompt": "a quiet lake", "prompt": "a calm sea", "prompt": "a still pond", "aspectRatio": "1:1"}""";

        Assert.Equal(["seed: not a parameter of rhart-image-g-1.5/text-to-image", "prompt: given more than once"],
            Validate(TextToImage, body, strict: true).Errors);

        // Past the twentieth named field, a field given three times is one more field, said in the singular.
        var twenty = string.Join(", ", Enumerable.Range(0, RequestValidator.MaxNamedFields).Select(i => $"\"x{i}\": 0"));
        var errors = Validate(TextToImage, $$"""{{{twenty}}, "zz": 1, "zz": 2, "zz": 3, "prompt": "a quiet lake", "aspectRatio": "1:1"}""", strict: true).Errors;
        Assert.Equal("and 1 more field that rhart-image-g-1.5/text-to-image does not declare or that is given more than once", errors[^1]);
    }

    [Theory]
    [InlineData("[]")]
    [InlineData("\"a prompt\"")]
    [InlineData("null")]
    public void Body_that_is_not_an_object_is_refused(string body)
    {
        Assert.Equal(["body: expected a JSON object"], Validate(Edit, body).Errors);
    }

    [Fact]
    public void Long_values_are_cut_short_in_messages()
    {
        var outcome = Validate(Edit, EditBody(aspect: $"\"{new string('9', 500)}\""));

        var error = Assert.Single(outcome.Errors);
        Assert.True(error.Length < 150, error);
        Assert.StartsWith("aspectRatio: \"99999", error);
    }
}
