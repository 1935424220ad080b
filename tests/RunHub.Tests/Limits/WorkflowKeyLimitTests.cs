using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using RunHub.Accounts;
using RunHub.Data;
using RunHub.Tests.Support;
using RunHub.Tests.Workflows;

namespace RunHub.Tests.Limits;

/// <summary>A key's model allow-list and spend cap hold for workflow and AI-app runs, in both API families, as for model submits.</summary>
public sealed class WorkflowKeyLimitTests
{
    private const string Workflow = "workflow:" + WorkflowFolder.WorkflowId;
    private const string App = "ai-app:" + WorkflowFolder.WebappId;

    /// <summary>An API node only: its runs stay QUEUED, so what they reserve stays reserved until the test ends them.</summary>
    private static Dictionary<string, string?> NoWorkers => new() { ["KeyCacheSeconds"] = "0", ["Role"] = "api" };

    [Fact]
    public async Task A_keys_allow_list_names_workflows_and_apps_and_refuses_the_others_with_1014_in_both_families()
    {
        await using var setup = await OfflineWorkflowServer.StartAsync(NoWorkers);
        var caller = await setup.Server.NewCallerAsync(10m);
        var v1 = new V1Caller(caller);
        var policies = new KeyPolicies(setup.Server.Services.GetRequiredService<Database>());

        Assert.Null((await policies.SetAsync(caller.ApiKey, new KeyPolicies.Change { AllowedModels = [Workflow] })).Error);
        Assert.Equal(0, (int)(await v1.CreateAsync(WorkflowFolder.WorkflowId))["code"]!);
        Assert.Equal("", (string)(await RunV2Async(caller, "workflow", WorkflowFolder.WorkflowId))["errorCode"]!);
        var appV1 = await v1.RunAppAsync(WorkflowFolder.WebappId, Array.Empty<object>());
        Assert.Equal((1014, $"this key may not use {App}; it may use {Workflow} (runhub keys limits)"), ((int)appV1["code"]!, (string)appV1["msg"]!));
        var appV2 = await RunV2Async(caller, "ai-app", WorkflowFolder.WebappId);
        Assert.Equal(("1014", ""), ((string)appV2["errorCode"]!, (string)appV2["taskId"]!));
        Assert.Contains($"this key may not use {App}", (string)appV2["errorMessage"]!);
        // A model is not a workflow: the list names neither.
        var model = await caller.SubmitAsync("rhart-image-g-1.5/edit", new { prompt = "a lighthouse at dawn" });
        Assert.Equal("1014", (string)model["errorCode"]!);

        Assert.Null((await policies.SetAsync(caller.ApiKey, new KeyPolicies.Change { AllowedModels = [App] })).Error);
        var createV1 = await v1.CreateAsync(WorkflowFolder.WorkflowId);
        Assert.Equal((1014, $"this key may not use {Workflow}; it may use {App} (runhub keys limits)"), ((int)createV1["code"]!, (string)createV1["msg"]!));
        Assert.Equal("1014", (string)(await RunV2Async(caller, "workflow", WorkflowFolder.WorkflowId))["errorCode"]!);
        Assert.Equal(0, (int)(await v1.RunAppAsync(WorkflowFolder.WebappId, Array.Empty<object>()))["code"]!);
        Assert.Equal("", (string)(await RunV2Async(caller, "ai-app", WorkflowFolder.WebappId))["errorCode"]!);
        // Three runs were taken, each reserving 0.60 CNY; nothing was charged for a refusal.
        Assert.Equal(10m - 4 * 0.60m, await caller.BalanceAsync());
    }

    [Fact]
    public async Task A_workflow_runs_reservation_counts_against_the_keys_spend_cap_in_both_families_and_a_cancel_gives_it_back()
    {
        await using var setup = await OfflineWorkflowServer.StartAsync(NoWorkers);
        var caller = await setup.Server.NewCallerAsync(10m);
        var v1 = new V1Caller(caller);
        var policies = new KeyPolicies(setup.Server.Services.GetRequiredService<Database>());
        // A run reserves 0.60 CNY (its longest run): a cap of 1.00 takes one run at a time.
        Assert.Null((await policies.SetAsync(caller.ApiKey, new KeyPolicies.Change { SpendCap = Money.FromDecimal(1m).Millis })).Error);

        var created = await v1.CreateAsync(WorkflowFolder.WorkflowId);
        Assert.Equal(0, (int)created["code"]!);
        var taskId = (string)created["data"]!["taskId"]!;
        Assert.Equal(600, (await policies.FindAsync(caller.ApiKey)).Key!.Spent);

        var cappedV2 = await RunV2Async(caller, "ai-app", WorkflowFolder.WebappId);
        Assert.Equal(("812", ""), ((string)cappedV2["errorCode"]!, (string)cappedV2["taskId"]!));
        Assert.Equal("this task costs 0.60 CNY, more than is left of this key's spend cap of 1.00 CNY (the console's API keys page and runhub keys limits show what the key has spent)",
            (string)cappedV2["errorMessage"]!);
        var cappedV1 = await v1.CreateAsync(WorkflowFolder.WorkflowId);
        Assert.Equal(812, (int)cappedV1["code"]!);
        Assert.StartsWith("CORPAPIKEY_INSUFFICIENT_FUNDS: this task costs 0.60 CNY, more than is left of this key's spend cap of 1.00 CNY", (string)cappedV1["msg"]!);
        Assert.Equal(9.40m, await caller.BalanceAsync());
        // Another key of the account has no cap.
        var other = new V1Caller(new ApiCaller(setup.Server.Http, caller.AccountId, await setup.Server.Accounts.CreateKeyAsync(caller.AccountId)));
        Assert.Equal(0, (int)(await other.CreateAsync(WorkflowFolder.WorkflowId))["code"]!);

        Assert.Equal(0, (int)(await v1.PostAsync("/task/openapi/cancel", new { taskId }))["code"]!);
        Assert.Equal("CANCEL", (string)(await caller.QueryAsync(taskId))["status"]!);
        Assert.Equal(0, (await policies.FindAsync(caller.ApiKey)).Key!.Spent);
        Assert.Equal("", (string)(await RunV2Async(caller, "workflow", WorkflowFolder.WorkflowId))["errorCode"]!);
    }

    private static Task<JsonObject> RunV2Async(ApiCaller caller, string kind, string id) =>
        caller.PostAsync($"/openapi/v2/run/{kind}/{id}", JsonSerializer.Serialize(new { nodeInfoList = Array.Empty<object>() }));
}
