using System.Text.Json;
using RunHub.Catalog;
using RunHub.Cli.Client;

namespace RunHub.Tests.Cli.Client;

/// <summary>How <c>-p</c> and <c>-f</c> become a submit body: typed by the schema, lists where the model takes lists.</summary>
public sealed class RunRequestTests
{
    private static readonly ModelEntry Model = RegistryReader.ReadRegistry(JsonDocument.Parse("""
        {"models": [{"endpoint": "test/typed", "output_type": "image", "params": [
          {"fieldKey": "prompt", "type": "STRING", "required": true, "minLength": 5},
          {"fieldKey": "steps", "type": "INT", "min": 1, "max": 50},
          {"fieldKey": "cfg", "type": "FLOAT"},
          {"fieldKey": "hd", "type": "BOOLEAN"},
          {"fieldKey": "imageUrls", "type": "IMAGE", "multipleInputs": true, "maxInputNum": 2},
          {"fieldKey": "maskUrl", "type": "IMAGE"}
        ]}]}
        """).RootElement, "test").Single();

    private static string Body(ModelEntry? model, string[] parameters, string[]? files = null) =>
        RunRequest.Parse(parameters, files ?? []).Body(model, path => "https://files.example/" + path).ToJsonString();

    [Fact]
    public void Values_are_typed_by_the_schema_and_a_repeated_key_is_a_list()
    {
        var body = Body(Model, ["prompt=a=b c", "steps=20", "cfg=7.5", "hd=TRUE", "prompt=second"]);
        Assert.Equal("""{"prompt":["a=b c","second"],"steps":20,"cfg":7.5,"hd":true}""", body);
    }

    [Fact]
    public void Values_that_do_not_read_as_their_type_stay_strings_for_the_validator_to_name()
    {
        Assert.Equal("""{"steps":"many","hd":"yes"}""", Body(Model, ["steps=many", "hd=yes"]));
    }

    [Fact]
    public void Files_of_a_multiple_input_field_are_a_list_even_alone_and_a_single_field_takes_a_string()
    {
        Assert.Equal("""{"imageUrls":["https://files.example/a.png"],"maskUrl":"https://files.example/m.png"}""",
            Body(Model, [], ["imageUrls=a.png", "maskUrl=m.png"]));
    }

    [Fact]
    public void Without_a_schema_everything_is_a_string_and_only_repetition_or_brackets_make_a_list()
    {
        Assert.Equal("""{"steps":"20","imageUrls":"https://files.example/a.png"}""", Body(null, ["steps=20"], ["imageUrls=a.png"]));
        Assert.Equal("""{"tags":["x"],"imageUrls":["https://files.example/a.png"]}""", Body(null, ["tags[]=x"], ["imageUrls[]=a.png"]));
    }

    [Fact]
    public void Malformed_options_are_all_reported_at_once()
    {
        var error = Assert.Throws<UsageException>(() => RunRequest.Parse(["prompt", "=x"], ["imageUrls="]));
        Assert.Equal(3, error.Problems.Count);
    }
}
