using System.Text.Json;
using System.Text.Json.Nodes;
using RunHub.Catalog;
using RunHub.Engines.ComfyUi;

namespace RunHub.Tests.Engines.ComfyUi;

/// <summary>Catalog mistakes in a comfyui entry are refused with what is wrong and where.</summary>
public sealed class ComfyUiSettingsTests
{
    private static ComfyUiSettings Read(string settings) =>
        ComfyUiSettings.Read(new EngineBinding("comfyui", JsonDocument.Parse(settings).RootElement.Clone()));

    private static string Refusal(string settings) => Assert.Throws<CatalogFormatException>(() => Read(settings)).Message;

    [Fact]
    public void Settings_with_bindings_of_every_kind_are_read()
    {
        var settings = Read("""
            {"server": "http://gpu1:8188", "workflow": "w.json", "pollSeconds": 0.5, "maxOutputMb": 2,
             "bindings": [
               {"param": "prompt", "nodeId": "6", "fieldName": "text"},
               {"param": "imageUrls", "index": 1, "nodeId": "11", "fieldName": "image", "removeWhenMissing": ["11", 12]},
               {"param": "aspectRatio", "map": {"2:3": {"5.width": 1024, "5.height": 1536}, "auto": {"closestTo": "imageUrls"}}},
               {"seed": true, "nodeId": "3", "fieldName": "seed"}]}
            """);

        Assert.Equal(new Uri("http://gpu1:8188/"), settings.Server);
        Assert.Equal(TimeSpan.FromSeconds(0.5), settings.PollInterval);
        Assert.Equal(2 * 1024 * 1024, settings.MaxOutputBytes);
        Assert.Equal(new NodeInput("6", "text"), settings.Bindings[0].Target);
        Assert.Equal(["11", "12"], settings.Bindings[1].RemoveWhenMissing);
        var map = settings.Bindings[2].Map!;
        Assert.Equal([new NodeInput("5", "width"), new NodeInput("5", "height")], map["2:3"].Assignments.Select(a => a.Input));
        Assert.Equal("imageUrls", map["auto"].ClosestTo);
        Assert.True(settings.Bindings[3].Seed);
    }

    [Theory]
    [InlineData("""{"workflow": "w.json", "bindings": []}""", "\"server\": required")]
    [InlineData("""{"server": "gpu1:8188", "workflow": "w.json", "bindings": []}""", "is not an http(s) URL")]
    [InlineData("""{"server": "http://gpu1:8188", "bindings": []}""", "\"workflow\": required")]
    [InlineData("""{"server": "http://gpu1:8188", "workflow": "w.json"}""", "\"bindings\": required")]
    [InlineData("""{"server": "http://gpu1:8188", "workflow": "w.json", "bindings": [{"nodeId": "6", "fieldName": "text"}]}""", "binding #0, field \"param\"")]
    [InlineData("""{"server": "http://gpu1:8188", "workflow": "w.json", "bindings": [{"param": "p", "nodeId": "6"}]}""", "nodeId and fieldName go together")]
    [InlineData("""{"server": "http://gpu1:8188", "workflow": "w.json", "bindings": [{"param": "p"}]}""", "needs nodeId and fieldName, or a map")]
    [InlineData("""{"server": "http://gpu1:8188", "workflow": "w.json", "bindings": [{"param": "p", "map": {"a": {"width": 1}}}]}""", "\"width\" in the entry for \"a\" is not \"nodeId.fieldName\"")]
    [InlineData("""{"server": "http://gpu1:8188", "workflow": "w.json", "bindings": [{"param": "p", "index": -1, "nodeId": "6", "fieldName": "t"}]}""", "is not a list position")]
    [InlineData("""{"server": "http://gpu1:8188", "workflow": "w.json", "bindings": [], "pollSeconds": 0}""", "\"pollSeconds\": 0 is not a number of seconds")]
    public void Mistake_is_refused_with_its_place(string settings, string expected)
    {
        Assert.Contains(expected, Refusal(settings));
    }

    [Fact]
    public void Workflow_saved_in_the_UI_format_is_refused_with_the_way_to_export_it()
    {
        var error = Assert.Throws<WorkflowException>(() => WorkflowGraph.Parse("""{"nodes": [], "links": [], "version": 0.4}""", "w.json"));

        Assert.Contains("Export (API)", error.Message);
    }

    [Theory]
    [InlineData("""{"3": {"class_type": "KSampler", "inputs": {"steps": 20, "steps": 21}}}""", "workflow: 3.inputs.steps: given more than once in one object")]
    [InlineData("""{"3": {"class_type": "KSampler", "inputs": {}}, "3": {"class_type": "KSampler", "inputs": {}}}""", "workflow: 3: given more than once in one object")]
    [InlineData("""{"3": {"class_type": "CLIPTextEncode", "inputs": {"text": "a \ud800 b"}}}""", "workflow: 3.inputs.text: holds an unpaired surrogate escape (\\uD800)")]
    [InlineData("""{"3": {"class_type": "CLIPTextEncode", "inputs": {"text": "a"}}""", "workflow: malformed JSON at line 1")]
    public void A_graph_a_reader_would_fail_on_later_is_refused_when_parsed_naming_where(string json, string expected)
    {
        // Before, a repeated name threw ArgumentException and an unpaired surrogate InvalidOperationException, both when
        // the graph was first used: for a caller's own graph that was a 1005 internal error (helper-62).
        var error = Assert.Throws<WorkflowException>(() => WorkflowGraph.Parse(json, "workflow"));

        Assert.StartsWith(expected, error.Message);
    }

    [Fact]
    public void A_graph_file_may_hold_comments_and_trailing_commas()
    {
        var graph = WorkflowGraph.Parse("""
            // exported from ComfyUI, then annotated
            {"3": {"class_type": "KSampler", "inputs": {"steps": 20, /* was 30 */ "seed": 1,},},}
            """, "w.json");

        Assert.Equal("KSampler", graph.ClassOf("3"));
    }

    [Fact]
    public void Node_without_class_type_is_refused()
    {
        var error = Assert.Throws<WorkflowException>(() => WorkflowGraph.Parse("""{"6": {"inputs": {}}}""", "w.json"));

        Assert.Contains("node 6 needs \"class_type\"", error.Message);
    }

    [Fact]
    public void Removing_a_node_removes_the_links_to_it_and_keeps_other_inputs()
    {
        var graph = WorkflowGraph.Parse("""
            {"10": {"class_type": "LoadImage", "inputs": {"image": "a.png"}},
             "11": {"class_type": "LoadImage", "inputs": {"image": "b.png"}},
             "20": {"class_type": "TextEncodeQwenImageEditPlus", "inputs": {"prompt": "x", "image1": ["10", 0], "image2": ["11", 0]}}}
            """, "w.json");

        graph.Remove(["11"]);

        Assert.False(graph.Has("11"));
        var inputs = graph.Nodes["20"]!["inputs"]!.AsObject();
        Assert.Equal(["prompt", "image1"], inputs.Select(i => i.Key));
    }

    [Fact]
    public void Example_catalog_loads_and_names_the_comfyui_engine_with_a_workflow_beside_it()
    {
        var model = RunHub.Catalog.ModelCatalog.LoadDirectory(ComfyExample.Folder).Find(ComfyExample.Endpoint)!;

        Assert.Equal("comfyui", model.Engine!.Name);
        Assert.NotNull(model.Price);
        var workflow = (string)JsonNode.Parse(model.Engine.Settings!.Value.GetRawText())!["workflow"]!;
        Assert.True(File.Exists(Path.Combine(ComfyExample.Folder, workflow)));
    }
}
