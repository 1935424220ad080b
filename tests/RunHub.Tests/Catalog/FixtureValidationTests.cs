using RunHub.Catalog;
using static RunHub.Tests.Catalog.RunningHubRegistry;

namespace RunHub.Tests.Catalog;

/// <summary>Requests checked against models of the public RunningHub registry.</summary>
public class FixtureValidationTests
{
    private const string Image = "https://example.com/a.png";

    private static ValidationOutcome Validate(string endpoint, string body, bool strict = false) =>
        RequestValidator.Validate(Model(endpoint), Json(body), strict);

    private static string SingleError(ValidationOutcome outcome)
    {
        Assert.False(outcome.IsValid);
        return Assert.Single(outcome.Errors);
    }

    [Fact]
    public void List_value_outside_the_options_is_refused_with_the_options()
    {
        var outcome = Validate("hitem3d-portrait-v15/image-to-3d", $$"""{"imageUrl": "{{Image}}", "requestType": "texture"}""");

        Assert.Equal("requestType: \"texture\" is not one of mesh, both", SingleError(outcome));
    }

    [Fact]
    public void List_value_among_the_options_is_accepted()
    {
        var outcome = Validate("hitem3d-portrait-v15/image-to-3d", $$"""{"imageUrl": "{{Image}}", "requestType": "both"}""");

        Assert.True(outcome.IsValid, outcome.ErrorMessage);
        Assert.Equal("both", outcome.Request.Parameters["requestType"].GetString());
    }

    [Fact]
    public void List_value_given_as_a_number_matches_the_option_of_the_same_text()
    {
        var outcome = Validate("hitem3d-portrait-v15/image-to-3d", $$"""{"imageUrl": "{{Image}}", "resolution": 1536}""");

        Assert.True(outcome.IsValid, outcome.ErrorMessage);
    }

    [Fact]
    public void Int_below_the_minimum_is_refused()
    {
        var outcome = Validate("hitem3d-portrait-v15/image-to-3d", $$"""{"imageUrl": "{{Image}}", "face": 99999}""");

        Assert.Equal("face: 99999 is below the minimum of 100000", SingleError(outcome));
    }

    [Fact]
    public void Int_above_the_maximum_is_refused()
    {
        var outcome = Validate("hitem3d-portrait-v15/image-to-3d", $$"""{"imageUrl": "{{Image}}", "face": 2000001}""");

        Assert.Equal("face: 2000001 is above the maximum of 2000000", SingleError(outcome));
    }

    [Theory]
    [InlineData("100000")]
    [InlineData("2000000")]
    [InlineData("\"150000\"")]
    public void Int_within_the_range_is_accepted_also_as_a_numeric_string(string face)
    {
        var outcome = Validate("hitem3d-portrait-v15/image-to-3d", $$"""{"imageUrl": "{{Image}}", "face": {{face}}}""");

        Assert.True(outcome.IsValid, outcome.ErrorMessage);
    }

    [Theory]
    [InlineData("150000.5")]
    [InlineData("\"many\"")]
    [InlineData("true")]
    public void Int_that_is_not_an_integer_is_refused(string face)
    {
        var outcome = Validate("hitem3d-portrait-v15/image-to-3d", $$"""{"imageUrl": "{{Image}}", "face": {{face}}}""");

        Assert.Equal("face: expected an integer", SingleError(outcome));
    }

    [Theory]
    [InlineData("true")]
    [InlineData("false")]
    [InlineData("\"true\"")]
    [InlineData("\"false\"")]
    public void Boolean_is_accepted_as_json_or_as_text(string sound)
    {
        var outcome = Validate("kling-v3.0-std/text-to-video", $$"""{"prompt": "a cat dancing", "sound": {{sound}}}""");

        Assert.True(outcome.IsValid, outcome.ErrorMessage);
    }

    [Theory]
    [InlineData("\"yes\"", "\"yes\"")]
    [InlineData("1", "1")]
    public void Boolean_of_any_other_value_is_refused(string sound, string echoed)
    {
        var outcome = Validate("kling-v3.0-std/text-to-video", $$"""{"prompt": "a cat dancing", "sound": {{sound}}}""");

        Assert.Equal($"sound: expected true or false, got {echoed}", SingleError(outcome));
    }

    [Theory]
    [InlineData("0.5")]
    [InlineData("2")]
    [InlineData("1.25")]
    public void Float_within_the_range_is_accepted(string speed)
    {
        var outcome = Validate("rhart-audio/text-to-audio/speech-02-hd", $$"""{"text": "hello", "voice_id": "Wise_Woman", "speed": {{speed}}}""");

        Assert.True(outcome.IsValid, outcome.ErrorMessage);
    }

    [Theory]
    [InlineData("0.49", "speed: 0.49 is below the minimum of 0.5")]
    [InlineData("2.01", "speed: 2.01 is above the maximum of 2")]
    [InlineData("\"fast\"", "speed: expected a number")]
    public void Float_outside_the_range_or_not_a_number_is_refused(string speed, string error)
    {
        var outcome = Validate("rhart-audio/text-to-audio/speech-02-hd", $$"""{"text": "hello", "voice_id": "Wise_Woman", "speed": {{speed}}}""");

        Assert.Equal(error, SingleError(outcome));
    }

    [Fact]
    public void Single_image_field_given_an_array_is_refused()
    {
        var outcome = Validate("hitem3d-portrait-v15/image-to-3d", $$"""{"imageUrl": ["{{Image}}", "{{Image}}"]}""");

        Assert.Equal("imageUrl: expected a single URL string, got an array of 2", SingleError(outcome));
    }

    [Fact]
    public void Multi_image_field_over_its_maximum_is_refused()
    {
        var urls = string.Join(", ", Enumerable.Range(0, 11).Select(i => $"\"https://example.com/{i}.png\""));
        var outcome = Validate("rhart-image-g-1.5-official/image-to-image", $$"""{"prompt": "make it rain", "imageUrls": [{{urls}}]}""");

        Assert.Equal("imageUrls: 11 files given, at most 10 allowed", SingleError(outcome));
    }

    [Fact]
    public void Multi_image_field_takes_a_lone_url_as_one_file()
    {
        var outcome = Validate("rhart-image-g-1.5-official/image-to-image", $$"""{"prompt": "make it rain", "imageUrls": "{{Image}}"}""");

        Assert.True(outcome.IsValid, outcome.ErrorMessage);
        Assert.Equal([new MediaReference("imageUrls", 0, Image)], outcome.Request.Media);
    }

    [Fact]
    public void Media_urls_are_listed_in_schema_order_with_their_positions()
    {
        var outcome = Validate("rhart-image-g-1.5-official/image-to-image",
            """{"imageUrls": ["https://a.example/1.png", "data:image/png;base64,iVBORw0KGgo="], "prompt": "make it rain"}""");

        Assert.True(outcome.IsValid, outcome.ErrorMessage);
        Assert.Equal(
            [new MediaReference("imageUrls", 0, "https://a.example/1.png"), new MediaReference("imageUrls", 1, "data:image/png;base64,iVBORw0KGgo=")],
            outcome.Request.Media);
    }

    [Theory]
    [InlineData("ftp://example.com/a.png")]
    [InlineData("/relative/a.png")]
    [InlineData("file:///etc/passwd")]
    public void Media_url_that_is_not_http_or_a_data_uri_is_refused(string url)
    {
        var outcome = Validate("hitem3d-portrait-v15/image-to-3d", $$"""{"imageUrl": "{{url}}"}""");

        Assert.Equal($"imageUrl: \"{url}\" is not an http(s) URL or a data: URI", SingleError(outcome));
    }

    [Fact]
    public void Omitted_settings_take_the_registrys_defaults()
    {
        var outcome = Validate("hitem3d-portrait-v15/image-to-3d", $$"""{"imageUrl": "{{Image}}"}""");

        Assert.True(outcome.IsValid, outcome.ErrorMessage);
        var parameters = outcome.Request.Parameters;
        Assert.Equal("mesh", parameters["requestType"].GetString());
        Assert.Equal("1536", parameters["resolution"].GetString());
        Assert.Equal(2000000, parameters["face"].GetInt32());
        Assert.Equal(Image, parameters["imageUrl"].GetString());
    }

    [Fact]
    public void Omitted_required_prompt_is_refused_even_though_the_registry_has_a_sample_prompt()
    {
        var model = Model("rhart-image-g-1.5-official/image-to-image");
        Assert.NotNull(model.Parameters.Single(p => p.FieldKey == "prompt").DefaultValue);

        var outcome = RequestValidator.Validate(model, Json($$"""{"imageUrls": ["{{Image}}"]}"""), strict: false);

        Assert.Equal("prompt: required", SingleError(outcome));
    }

    [Fact]
    public void Omitted_optional_field_without_a_default_stays_absent()
    {
        var outcome = Validate("rhart-image-g-1.5-official/image-to-image", $$"""{"prompt": "make it rain", "imageUrls": ["{{Image}}"]}""");

        Assert.True(outcome.IsValid, outcome.ErrorMessage);
        Assert.False(outcome.Request.Parameters.ContainsKey("inputFidelity"));
        Assert.Equal("auto", outcome.Request.Parameters["background"].GetString());
    }

    [Fact]
    public void Unknown_field_is_refused_naming_the_model_in_strict_mode()
    {
        var outcome = Validate("hitem3d-portrait-v15/image-to-3d", $$"""{"imageUrl": "{{Image}}", "foo": 1}""", strict: true);

        Assert.Equal("foo: not a parameter of hitem3d-portrait-v15/image-to-3d", SingleError(outcome));
    }

    [Fact]
    public void Unknown_fields_are_ignored_and_named_as_runninghub_ignores_them()
    {
        var outcome = Validate("hitem3d-portrait-v15/image-to-3d", $$$"""{"imageUrl": "{{{Image}}}", "appCode": "comfyui_rh_openapi", "foo": {"x": 1}}""");

        Assert.True(outcome.IsValid, outcome.ErrorMessage);
        Assert.Equal(["appCode", "foo"], outcome.IgnoredFields);
        Assert.DoesNotContain("appCode", outcome.Request.Parameters.Keys);
        Assert.DoesNotContain("foo", outcome.Request.Parameters.Keys);
    }

    [Fact]
    public void A_field_given_twice_keeps_its_last_value_unless_strict()
    {
        const string body = """{"imageUrl": "https://a.example/1.png", "requestType": "mesh", "requestType": "both"}""";
        var outcome = Validate("hitem3d-portrait-v15/image-to-3d", body);

        Assert.True(outcome.IsValid, outcome.ErrorMessage);
        Assert.Equal("both", outcome.Request.Parameters["requestType"].GetString());
        Assert.Equal("requestType: given more than once", SingleError(Validate("hitem3d-portrait-v15/image-to-3d", body, strict: true)));
    }

    [Fact]
    public void Webhook_url_is_accepted_and_left_out_of_the_parameters()
    {
        var outcome = Validate("hitem3d-portrait-v15/image-to-3d", $$"""{"imageUrl": "{{Image}}", "webhookUrl": "https://hooks.example/x"}""");

        Assert.True(outcome.IsValid, outcome.ErrorMessage);
        Assert.False(outcome.Request.Parameters.ContainsKey("webhookUrl"));
    }

    [Fact]
    public void All_errors_are_reported_together()
    {
        var outcome = Validate("hitem3d-portrait-v15/image-to-3d", """{"requestType": "texture", "face": 1, "foo": true}""", strict: true);

        Assert.False(outcome.IsValid);
        Assert.Equal(
            [
                "foo: not a parameter of hitem3d-portrait-v15/image-to-3d",
                "requestType: \"texture\" is not one of mesh, both",
                "imageUrl: required",
                "face: 1 is below the minimum of 100000",
            ],
            outcome.Errors);
        Assert.Equal(string.Join("; ", outcome.Errors), outcome.ErrorMessage);
    }

    [Fact]
    public void String_list_field_takes_an_array_of_strings_up_to_its_maximum()
    {
        var accepted = Validate("rhart-audio/text-to-audio/speech-02-hd", """{"text": "hi", "voice_id": "Wise_Woman", "pronunciation_dict": ["ASAP/As soon as possible", "AI/A.I."]}""");
        var tooMany = Validate("rhart-audio/text-to-audio/speech-02-hd",
            $$"""{"text": "hi", "voice_id": "Wise_Woman", "pronunciation_dict": [{{string.Join(",", Enumerable.Repeat("\"a/b\"", 21))}}]}""");

        Assert.True(accepted.IsValid, accepted.ErrorMessage);
        Assert.Equal("pronunciation_dict: 21 values given, at most 20 allowed", SingleError(tooMany));
    }
}
