using System.Text.Json.Nodes;
using RunHub.Catalog;
using RunHub.Workflows;
using RunHub.Tests.Support;
using RunHub.Tests.Engines.Dispatch;

namespace RunHub.Tests.Workflows;

/// <summary>Registration files beside the catalog: what they hold, the mistakes an operator can make, and changes while the server runs.</summary>
public sealed class WorkflowCatalogTests
{
    private static string WorkflowFile(TempDirectory dir) => Path.Combine(dir.Path, "workflows", WorkflowFolder.WorkflowId + ".json");
    private static string AppFile(TempDirectory dir) => Path.Combine(dir.Path, "apps", WorkflowFolder.WebappId + ".json");

    private static CatalogFormatException Broken(Action<JsonObject>? registration = null, Action<JsonObject>? app = null)
    {
        using var dir = WorkflowFolder.Create("http://127.0.0.1:9", registration, app);
        return Assert.Throws<CatalogFormatException>(() => WorkflowCatalog.ReadFolder(dir.Path));
    }

    [Fact]
    public void A_registration_holds_the_graph_the_servers_the_price_and_the_apps_inputs()
    {
        using var dir = WorkflowFolder.Create("http://127.0.0.1:9", r => r["engine"]!["settings"]!.AsObject().Remove("server"),
            withApp: true);
        File.WriteAllText(WorkflowFile(dir), JsonNode.Parse(File.ReadAllText(WorkflowFile(dir)))!.AsObject()
            .Also(r => r["engine"]!["settings"]!["servers"] = new JsonArray("http://10.0.0.5:8188", "http://10.0.0.6:8188")).ToJsonString());

        var (workflows, apps) = WorkflowCatalog.ReadFolder(dir.Path);

        var workflow = workflows[WorkflowFolder.WorkflowId];
        Assert.Equal(["http://10.0.0.5:8188", "http://10.0.0.6:8188"], workflow.Backends.Select(b => b.Settings!.Value.GetProperty("server").GetString()));
        Assert.Equal(new WorkflowPrice(0.01m, 60), workflow.Price);
        Assert.Equal("0.60", workflow.Price.Reservation.ToString());
        Assert.Contains("\"ImageScaleBy\"", workflow.GraphJson);
        var app = apps[WorkflowFolder.WebappId];
        Assert.Equal(WorkflowFolder.WorkflowId, app.WorkflowId);
        Assert.Equal(["10.image:Image", "20.scale_by:Float", "20.upscale_method:List", "70.value:String", "50.noise_seed:Int"],
            app.Fields.Select(f => $"{f.Key}:{f.FieldType}"));
    }

    [Theory]
    [InlineData("pricePerSecond", null, "field \"pricePerSecond\": required")]
    [InlineData("pricePerSecond", "-1", "field \"pricePerSecond\": -1 is not a price")]
    [InlineData("maxSeconds", "0", "field \"maxSeconds\": 0 is not between 1 and 86400")]
    [InlineData("workflowId", "\"other\"", "field \"workflowId\": \"other\" does not match the file name (1904136902449209346.json)")]
    [InlineData("graph", "{\"nodes\": [], \"links\": []}", "this is ComfyUI's UI format")]
    [InlineData("engine", "{\"name\": \"sandbox\"}", "field \"engine\": workflows run on the comfyui engine, not \"sandbox\"")]
    public void A_broken_registration_names_the_file_and_the_field(string field, string? value, string expected)
    {
        var error = Broken(registration: r => r[field] = value is null ? null : JsonNode.Parse(value));

        Assert.Contains("1904136902449209346.json", error.Message);
        Assert.Contains(expected, error.Message);
    }

    [Theory]
    [InlineData("{\"nodeId\": \"99\", \"fieldName\": \"x\"}", "nodeInfoList[5], field \"nodeId\": workflow 1904136902449209346 has no node 99")]
    [InlineData("{\"nodeId\": \"20\", \"fieldName\": \"x\"}", "node 20 (ImageScaleBy) has no input \"x\"; its inputs: image, upscale_method, scale_by")]
    [InlineData("{\"nodeId\": \"20\", \"fieldName\": \"image\"}", "20 input \"image\" is a link from node 10")]
    [InlineData("{\"nodeId\": \"40\", \"fieldName\": \"steps\", \"fieldType\": \"LIST\"}", "field \"options\": a LIST field needs its options")]
    public void A_broken_app_input_names_the_file_the_entry_and_what_the_node_has(string entry, string expected)
    {
        var error = Broken(app: a => a["nodeInfoList"]!.AsArray().Add(JsonNode.Parse(entry)));

        Assert.Contains("1877265245566922753.json", error.Message);
        Assert.Contains(expected, error.Message);
    }

    [Fact]
    public void An_app_of_a_workflow_that_is_not_registered_is_refused()
    {
        var error = Broken(app: a => a["workflowId"] = "42");

        Assert.Contains("field \"workflowId\": no workflow \"42\" is registered", error.Message);
    }

    [Fact]
    public void Files_added_changed_or_removed_while_the_server_runs_take_effect_and_a_broken_one_keeps_the_last_good_set()
    {
        using var dir = WorkflowFolder.Create("http://127.0.0.1:9", withApp: false);
        var time = new MovableTime();
        var catalog = new WorkflowCatalog(dir.Path, time);
        Assert.NotNull(catalog.FindWorkflow(WorkflowFolder.WorkflowId));
        Assert.Null(catalog.FindApp(WorkflowFolder.WebappId));

        Directory.CreateDirectory(Path.Combine(dir.Path, "apps"));
        File.Copy(Path.Combine(WorkflowFolder.Source, "app.json"), AppFile(dir));
        time.Advance(WorkflowCatalog.RecheckInterval);
        Assert.NotNull(catalog.FindApp(WorkflowFolder.WebappId));

        File.WriteAllText(AppFile(dir), "{ broken");
        time.Advance(WorkflowCatalog.RecheckInterval);
        Assert.NotNull(catalog.FindApp(WorkflowFolder.WebappId));

        File.Delete(AppFile(dir));
        time.Advance(WorkflowCatalog.RecheckInterval);
        Assert.Null(catalog.FindApp(WorkflowFolder.WebappId));
    }

    [Theory]
    [InlineData(0, 1, "0.01")]
    [InlineData(1, 1, "0.01")]
    [InlineData(1001, 2, "0.02")]
    [InlineData(59_000, 59, "0.59")]
    [InlineData(600_000, 60, "0.60")]
    public void A_run_is_billed_per_started_second_at_least_one_and_never_past_its_reservation(long ms, int seconds, string charge)
    {
        var price = new WorkflowPrice(0.01m, 60);

        Assert.Equal(seconds, price.BilledSeconds(ms));
        Assert.Equal(charge, price.ChargeFor(ms).ToString());
        Assert.True(price.ChargeFor(ms) <= price.Reservation);
    }

    [Fact]
    public void A_price_below_a_thousandth_a_second_rounds_the_charge_up_to_the_next_thousandth()
    {
        var price = new WorkflowPrice(0.0004m, 600);

        Assert.Equal("0.001", price.ChargeFor(1000).ToString());
        Assert.Equal("0.002", price.ChargeFor(3500).ToString());
        Assert.Equal("0.24", price.Reservation.ToString());
    }
}

internal static class JsonObjectExtensions
{
    public static JsonObject Also(this JsonObject obj, Action<JsonObject> change)
    {
        change(obj);
        return obj;
    }
}
