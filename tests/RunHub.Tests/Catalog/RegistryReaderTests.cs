using RunHub.Catalog;
using static RunHub.Tests.Catalog.RunningHubRegistry;

namespace RunHub.Tests.Catalog;

/// <summary>The registry's loose typing is forgiven; broken structure is refused with the model and field named.</summary>
public class RegistryReaderTests
{
    private static IReadOnlyList<ModelEntry> Read(string modelsJson) => RegistryReader.ReadRegistry(Json($$"""{"models": [{{modelsJson}}]}"""), "test.json");

    private static ParameterSpec OnlyParameter(string parameterJson) =>
        Assert.Single(Assert.Single(Read($$"""{"endpoint": "a/b", "output_type": "image", "params": [{{parameterJson}}]}""")).Parameters);

    private static string Refusal(string modelsJson) => Assert.Throws<CatalogFormatException>(() => Read(modelsJson)).Message;

    [Fact]
    public void Numbers_and_strings_are_taken_for_each_other()
    {
        var spec = OnlyParameter("""
            {"fieldKey": "n", "type": "int", "required": "true", "label": 7, "min": "1", "max": 4, "maxLength": "10",
             "options": [{"value": 1}, {"value": "2"}, 3, true]}
            """);

        Assert.Equal(ParameterType.Int, spec.Type);
        Assert.True(spec.Required);
        Assert.Equal("7", spec.Label);
        Assert.Equal(1, spec.Min);
        Assert.Equal(4, spec.Max);
        Assert.Equal(10, spec.MaxLength);
        Assert.Equal(new[] { "1", "2", "3", "true" }, spec.Options);
    }

    [Theory]
    [InlineData("\"[\\\"jpg\\\",\\\"Png\\\"]\"")]
    [InlineData("[\"JPG\", \".png\"]")]
    [InlineData("\"jpg, png\"")]
    public void Accept_is_read_from_a_json_string_an_array_or_a_comma_list(string accept)
    {
        var spec = OnlyParameter($$"""{"fieldKey": "img", "type": "IMAGE", "accept": {{accept}}}""");

        Assert.Equal(new[] { "JPG", "PNG" }, spec.Accept);
    }

    [Fact]
    public void Missing_optional_fields_leave_their_defaults()
    {
        var model = Assert.Single(Read("""{"endpoint": "solo", "output_type": "string"}"""));

        Assert.Empty(model.Parameters);
        Assert.Null(model.Price);
        Assert.Null(model.Engine);
        Assert.Equal(TimeSpan.FromMinutes(10), model.Timeout);
        Assert.Null(model.DisplayName);
    }

    [Fact]
    public void Engine_and_timeout_extension_are_read()
    {
        var model = Assert.Single(Read("""
            {"endpoint": "a/b", "output_type": "image", "timeoutSeconds": 90,
             "engine": {"name": "comfyui", "settings": {"workflow": "flux.json"}}}
            """));

        Assert.Equal("comfyui", model.Engine!.Name);
        Assert.Equal("flux.json", model.Engine.Settings!.Value.GetProperty("workflow").GetString());
        Assert.Equal(TimeSpan.FromSeconds(90), model.Timeout);
    }

    [Fact]
    public void Default_value_survives_the_document_it_was_read_from()
    {
        var spec = OnlyParameter("""{"fieldKey": "d", "type": "LIST", "defaultValue": "5", "options": [{"value": "5"}]}""");
        GC.Collect();

        Assert.Equal("5", spec.DefaultValue!.Value.GetString());
    }

    [Fact]
    public void Unknown_type_is_refused_naming_model_and_field()
    {
        var message = Refusal("""{"endpoint": "a/b", "output_type": "image", "params": [{"fieldKey": "x", "type": "COLOR"}]}""");

        Assert.Contains("\"a/b\"", message);
        Assert.Contains("\"x\"", message);
        Assert.Contains("COLOR", message);
    }

    [Theory]
    [InlineData("""{"output_type": "image"}""", "model #0", "endpoint")]
    [InlineData("""{"endpoint": "a/b"}""", "\"a/b\"", "output_type")]
    [InlineData("""{"endpoint": "a/b/c/d", "output_type": "image"}""", "model #0", "endpoint")]
    [InlineData("""{"endpoint": "a//b", "output_type": "image"}""", "model #0", "endpoint")]
    [InlineData("""{"endpoint": "a/b", "output_type": "image", "params": {"prompt": {}}}""", "\"a/b\"", "params")]
    [InlineData("""{"endpoint": "a/b", "output_type": "image", "params": [{"type": "STRING"}]}""", "\"a/b\"", "fieldKey")]
    [InlineData("""{"endpoint": "a/b", "output_type": "image", "params": [{"fieldKey": "n", "type": "INT", "max": "lots"}]}""", "\"n\"", "max")]
    [InlineData("""{"endpoint": "a/b", "output_type": "image", "params": [{"fieldKey": "n", "type": "INT", "min": 5, "max": 1}]}""", "\"n\"", "min")]
    [InlineData("""{"endpoint": "a/b", "output_type": "image", "params": [{"fieldKey": "p", "type": "STRING"}, {"fieldKey": "p", "type": "STRING"}]}""", "\"a/b\"", "\"p\"")]
    [InlineData("""{"endpoint": "a/b", "output_type": "image", "engine": 5}""", "\"a/b\"", "engine")]
    [InlineData("""{"endpoint": "a/b", "output_type": "image", "timeoutSeconds": -1}""", "\"a/b\"", "timeoutSeconds")]
    public void Structurally_broken_model_is_refused_naming_where(string model, string where, string field)
    {
        var message = Refusal(model);

        Assert.Contains("test.json", message);
        Assert.Contains(where, message);
        Assert.Contains(field, message);
    }

    [Fact]
    public void Duplicate_endpoint_in_one_file_is_refused_naming_it()
    {
        var message = Refusal("""{"endpoint": "a/b", "output_type": "image"}, {"endpoint": "a/b", "output_type": "video"}""");

        Assert.Contains("\"a/b\" is listed more than once", message);
    }

    [Fact]
    public void Registry_without_a_models_list_is_refused()
    {
        var error = Assert.Throws<CatalogFormatException>(() => RegistryReader.ReadRegistry(Json("""{"version": "x"}"""), "test.json"));

        Assert.Contains("models", error.Message);
    }

    [Theory]
    [InlineData("""{"endpoint": "m", "pricing_type": "fixed"}""", "price")]
    [InlineData("""{"endpoint": "m", "pricing_type": "tiered", "price": 1}""", "pricing_type")]
    [InlineData("""{"endpoint": "m", "pricing_type": "fixed", "price": 0.0001}""", "three decimals")]
    [InlineData("""{"endpoint": "m", "pricing_type": "parameter_based"}""", "rules")]
    [InlineData("""{"endpoint": "m", "pricing_type": "parameter_based", "rules": [{"price": 1}]}""", "when")]
    [InlineData("""{"endpoint": "m", "pricing_type": "fixed", "price": 1}, {"endpoint": "m", "pricing_type": "fixed", "price": 2}""", "more than once")]
    public void Broken_price_is_refused_naming_the_endpoint_and_field(string entries, string field)
    {
        var error = Assert.Throws<CatalogFormatException>(() => RegistryReader.ReadPricing(Json($$"""{"pricing": [{{entries}}]}"""), "prices.json"));

        Assert.Contains("prices.json", error.Message);
        Assert.Contains("\"m\"", error.Message);
        Assert.Contains(field, error.Message);
    }
}
