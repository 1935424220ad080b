using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using RunHub.Accounts;
using RunHub.Data;
using RunHub.Tests.Support;

namespace RunHub.Tests.Limits;

/// <summary>Per-key options as a client meets them: spend cap, expiry, model allow-list; and the command that sets them.</summary>
public sealed class KeyLimitTests
{
    private const string Model = "rhart-image-g-1.5/text-to-image";

    private static object Body => new { prompt = "a lighthouse at dawn", aspectRatio = "1:1" };

    [Fact]
    public async Task A_keys_spend_cap_expiry_and_model_allow_list_refuse_with_812_1002_and_1014_and_other_keys_are_not_touched()
    {
        await using var server = await TestServer.StartAsync(new Dictionary<string, string?> { ["KeyCacheSeconds"] = "0", ["Role"] = "api" });
        var caller = await server.NewCallerAsync(10m);
        var policies = new KeyPolicies(server.Services.GetRequiredService<Database>());
        var other = new ApiCaller(server.Http, caller.AccountId, await server.Accounts.CreateKeyAsync(caller.AccountId));

        // 0.03 CNY a task: a cap of 0.07 lets two through, the third would pass it.
        Assert.Null((await policies.SetAsync(caller.ApiKey, new KeyPolicies.Change { SpendCap = Money.FromDecimal(0.07m).Millis })).Error);
        Assert.Equal("", (string)(await caller.SubmitAsync(Model, Body))["errorCode"]!);
        Assert.Equal("", (string)(await caller.SubmitAsync(Model, Body))["errorCode"]!);
        var capped = await caller.SubmitAsync(Model, Body);
        Assert.Equal(("812", ""), ((string)capped["errorCode"]!, (string)capped["taskId"]!));
        Assert.Contains("more than is left of this key's spend cap of 0.07 CNY", (string)capped["errorMessage"]!);
        Assert.Equal(9.94m, await caller.BalanceAsync());
        Assert.Equal(60, (await policies.FindAsync(caller.ApiKey)).Key!.Spent);
        // Another key of the same account has no cap.
        Assert.Equal("", (string)(await other.SubmitAsync(Model, Body))["errorCode"]!);

        Assert.Null((await policies.SetAsync(caller.ApiKey, new KeyPolicies.Change { ClearSpendCap = true, AllowedModels = ["rhart-image-g-1.5/edit"] })).Error);
        var notAllowed = await caller.SubmitAsync(Model, Body);
        Assert.Equal("1014", (string)notAllowed["errorCode"]!);
        Assert.Contains($"this key may not use {Model}; it may use rhart-image-g-1.5/edit", (string)notAllowed["errorMessage"]!);
        // The price preview refuses it the same way.
        var preview = await caller.PostAsync("/openapi/v2/price-preview/" + Model, System.Text.Json.JsonSerializer.Serialize(Body));
        Assert.Equal("1014", (string)preview["errorCode"]!);

        var past = server.Services.GetRequiredService<TimeProvider>().GetUtcNow().AddSeconds(-1).ToUnixTimeMilliseconds();
        Assert.Null((await policies.SetAsync(caller.ApiKey, new KeyPolicies.Change { ClearAllowedModels = true, ExpiresAt = past })).Error);
        Assert.Equal("1002", (string)(await caller.SubmitAsync(Model, Body))["errorCode"]!);
        Assert.Equal("1002", (string)(await caller.QueryAsync("2013508786110730241"))["errorCode"]!);
        Assert.Equal("", (string)(await other.SubmitAsync(Model, Body))["errorCode"]!);
    }

    [Fact]
    public async Task A_failed_task_gives_its_price_back_to_its_keys_spend_cap()
    {
        await using var server = await TestServer.StartAsync(new Dictionary<string, string?>
        {
            ["KeyCacheSeconds"] = "0",
            ["Engines:Sandbox:FailureRate"] = "1",
        });
        var caller = await server.NewCallerAsync(10m);
        var policies = new KeyPolicies(server.Services.GetRequiredService<Database>());
        await policies.SetAsync(caller.ApiKey, new KeyPolicies.Change { SpendCap = Money.FromDecimal(0.03m).Millis });

        var first = (string)(await caller.SubmitAsync(Model, Body))["taskId"]!;
        Assert.Equal("FAILED", (string)(await caller.WaitAsync(first))["status"]!);
        Assert.Equal(0, (await policies.FindAsync(caller.ApiKey)).Key!.Spent);
        Assert.Equal("", (string)(await caller.SubmitAsync(Model, Body))["errorCode"]!);
    }

    [Fact]
    public async Task The_keys_limits_command_sets_and_shows_a_keys_options_by_full_or_masked_key()
    {
        await using var server = await TestServer.StartAsync(new Dictionary<string, string?> { ["Role"] = "api" });
        var caller = await server.NewCallerAsync();

        var (exit, stdout, stderr) = await ServerProcess.RunAsync(["keys", "limits", caller.ApiKey, "--requests-per-minute", "30", "--spend-cap", "12.5",
            "--expires", "2031-01-31T00:00:00Z", "--models", "rhart-image-g-1.5/edit, rhart-image-g-1.5/text-to-image", "--data", server.DataDir, "--json"]);
        Assert.True(exit == 0, stderr);
        var shown = JsonNode.Parse(stdout)!;
        Assert.Equal((30L, "12.50", "0.00", "2031-01-31T00:00:00Z"),
            ((long)shown["requestsPerMinute"]!, (string)shown["spendCap"]!, (string)shown["spent"]!, (string)shown["expiresAt"]!));
        Assert.Equal(["rhart-image-g-1.5/edit", "rhart-image-g-1.5/text-to-image"], shown["allowedModels"]!.AsArray().Select(m => (string)m!));
        // The key's own list shows the cap and the expiry in RunningHub's fields.
        using (var list = new HttpRequestMessage(HttpMethod.Get, "/openapi/v2/api-key/list"))
        {
            list.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", caller.ApiKey);
            var item = (await caller.SendAsync(list))["data"]![0]!;
            Assert.Equal((12.5m, 0m, "2031-01-31T00:00:00Z", 1), ((decimal)item["quotaLimit"]!, (decimal)item["quotaUsed"]!, (string)item["expireAt"]!, (int)item["status"]!));
            Assert.True((int)item["expireInMinute"]! > 0);
        }

        var masked = ApiKey.Mask(caller.ApiKey);
        var cleared = await ServerProcess.RunAsync(["keys", "limits", masked, "--spend-cap", "none", "--models", "all", "--data", server.DataDir]);
        Assert.True(cleared.ExitCode == 0, cleared.StdErr);
        Assert.Contains("spend cap: none", cleared.StdOut);
        Assert.Contains("models: all", cleared.StdOut);
        Assert.Contains("requests per minute: 30", cleared.StdOut);
        Assert.Contains("expires: 2031-01-31T00:00:00Z", cleared.StdOut);

        var bad = await ServerProcess.RunAsync(["keys", "limits", masked, "--spend-cap", "lots", "--data", server.DataDir]);
        Assert.Equal(2, bad.ExitCode);
        Assert.Contains("--spend-cap: 'lots' is not an amount", bad.StdErr);
        var unknown = await ServerProcess.RunAsync(["keys", "limits", new string('0', 32), "--spend-cap", "1", "--data", server.DataDir]);
        Assert.NotEqual(0, unknown.ExitCode);
        Assert.Contains("no live key matches", unknown.StdErr);
    }

    [Fact]
    public async Task The_keys_limits_command_takes_workflows_and_apps_by_their_task_names_and_refuses_names_the_server_does_not_serve()
    {
        await using var setup = await Workflows.OfflineWorkflowServer.StartAsync();
        var key = setup.V1.ApiKey;
        var served = new Dictionary<string, string> { ["RunHub__CatalogDir"] = setup.Catalog.Path };
        string[] Limits(string models) => ["keys", "limits", key, "--models", models, "--data", setup.Server.DataDir, "--json"];

        var (exit, stdout, stderr) = await ServerProcess.RunAsync(Limits(
            $"workflow:{Workflows.WorkflowFolder.WorkflowId}, ai-app:{Workflows.WorkflowFolder.WebappId},rhart-image-g-1.5/edit"), served);
        Assert.True(exit == 0, stderr);
        Assert.Equal([$"workflow:{Workflows.WorkflowFolder.WorkflowId}", $"ai-app:{Workflows.WorkflowFolder.WebappId}", "rhart-image-g-1.5/edit"],
            JsonNode.Parse(stdout)!["allowedModels"]!.AsArray().Select(m => (string)m!));

        var unknown = await ServerProcess.RunAsync(Limits($"workflow:1,ai-app:{Workflows.WorkflowFolder.WorkflowId},made-up/model,rhart-image-g-1.5/edit"), served);
        Assert.Equal(2, unknown.ExitCode);
        Assert.Contains($"--models: not served here: workflow:1, ai-app:{Workflows.WorkflowFolder.WorkflowId}, made-up/model;", unknown.StdErr);
        // Nothing was changed by the refused list.
        var shown = await ServerProcess.RunAsync(["keys", "limits", key, "--data", setup.Server.DataDir, "--json"], served);
        Assert.Equal(3, JsonNode.Parse(shown.StdOut)!["allowedModels"]!.AsArray().Count);
    }
}
