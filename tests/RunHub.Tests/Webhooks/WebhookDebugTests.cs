using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using RunHub.Tests.Support;
using RunHub.Webhooks;

namespace RunHub.Tests.Webhooks;

/// <summary>RunningHub's getWebhookDetail and retryWebhook, and <c>runhub webhooks list/retry</c>.</summary>
public sealed class WebhookDebugTests
{
    [Fact]
    public async Task getWebhookDetail_shows_the_delivery_in_RunningHubs_shape_and_retryWebhook_sends_it_again_to_a_new_url()
    {
        await using var refusing = await WebhookReceiver.StartAsync(410);
        await using var fixedOne = await WebhookReceiver.StartAsync();
        await using var server = await WebhookDeliveryTests.StartAsync();
        var caller = await server.NewCallerAsync();
        var taskId = await WebhookDeliveryTests.SubmitAsync(caller, refusing.Url);
        await refusing.NextAsync();
        await WebhookDeliveryTests.WaitForAsync(server.Services.GetRequiredService<WebhookDeliveries>(), taskId, d => d.Status == WebhookStatuses.Failed);

        // v1 style: the key in the body.
        var detail = await caller.PostAsync("/task/openapi/getWebhookDetail", JsonSerializer.Serialize(new { apiKey = caller.ApiKey, taskId }), sendKey: false);
        Assert.Equal((0, "success"), ((int)detail["code"]!, (string)detail["msg"]!));
        var data = detail["data"]!.AsObject();
        Assert.Equal(["id", "userApiKey", "taskId", "webhookUrl", "eventData", "callbackStatus", "callbackResponse", "retryCount", "createTime", "updateTime"],
            data.Select(p => p.Key));
        Assert.Equal((taskId, refusing.Url, "FAILED", 0L), ((string)data["taskId"]!, (string)data["webhookUrl"]!, (string)data["callbackStatus"]!, (long)data["retryCount"]!));
        Assert.Equal("HTTP 410: answer 410", (string)data["callbackResponse"]!);
        Assert.Matches(@"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d$", (string)data["createTime"]!);
        Assert.Equal("SUCCESS", (string)JsonNode.Parse((string)data["eventData"]!)!["status"]!);
        Assert.DoesNotContain(caller.ApiKey, (string)data["userApiKey"]!);

        var retried = await caller.PostAsync("/task/openapi/retryWebhook",
            JsonSerializer.Serialize(new { apiKey = caller.ApiKey, webhookId = (string)data["id"]!, webhookUrl = fixedOne.Url }), sendKey: false);
        Assert.Equal(0, (int)retried["code"]!);
        var resent = await fixedOne.NextAsync();
        Assert.Equal((string)data["id"]!, resent.Id);
        var delivered = await WebhookDeliveryTests.WaitForAsync(server.Services.GetRequiredService<WebhookDeliveries>(), taskId, d => d.Status == WebhookStatuses.Success);
        Assert.Equal(fixedOne.Url, delivered.Url);
        Assert.Equal(1, refusing.Requests);
    }

    [Fact]
    public async Task The_debugging_calls_refuse_a_wrong_key_another_accounts_task_and_a_missing_webhook_id_in_the_envelope()
    {
        await using var server = await WebhookDeliveryTests.StartAsync();
        var caller = await server.NewCallerAsync();
        var other = await server.NewCallerAsync(name: "other");
        var submitted = await other.SubmitAsync("rhart-image-g-1.5/text-to-image", new { prompt = "someone else's", aspectRatio = "1:1" });
        var othersTask = (string)submitted["taskId"]!;

        var wrongKey = await caller.PostAsync("/task/openapi/getWebhookDetail", JsonSerializer.Serialize(new { apiKey = new string('0', 32), taskId = othersTask }), sendKey: false);
        Assert.Equal((802, null), ((int)wrongKey["code"]!, wrongKey["data"]));
        // As every other call of the workflow API, the message starts with RunningHub's name for the code.
        Assert.StartsWith("APIKEY_UNAUTHORIZED: ", (string)wrongKey["msg"]!);
        var notMine = await caller.PostAsync("/task/openapi/getWebhookDetail", JsonSerializer.Serialize(new { taskId = othersTask }));
        Assert.Equal(807, (int)notMine["code"]!);
        Assert.Equal($"APIKEY_TASK_NOT_FOUND: task {othersTask} not found", (string)notMine["msg"]!);
        var noHook = await other.PostAsync("/task/openapi/getWebhookDetail", JsonSerializer.Serialize(new { taskId = othersTask }));
        Assert.Equal((0, null), ((int)noHook["code"]!, noHook["data"]));
        var noId = await caller.PostAsync("/task/openapi/retryWebhook", JsonSerializer.Serialize(new { apiKey = caller.ApiKey }), sendKey: false);
        Assert.Equal(301, (int)noId["code"]!);
        Assert.Equal("PARAMS_INVALID: webhookId: required (the id getWebhookDetail gives)", (string)noId["msg"]!);
        var unknown = await caller.PostAsync("/task/openapi/retryWebhook", JsonSerializer.Serialize(new { webhookId = "42" }));
        Assert.Equal(301, (int)unknown["code"]!);
        Assert.Contains("no webhook 42", (string)unknown["msg"]!);
    }

    [Fact]
    public async Task retryWebhook_and_webhooks_retry_refuse_a_delivery_whose_send_is_in_flight_and_start_no_second_send()
    {
        // The receiver holds the first send open, as one that never answers: the sender waits for it up to its timeout.
        await using var receiver = await WebhookReceiver.StartAsync(0);
        await using var server = await WebhookDeliveryTests.StartAsync(settings: new() { ["Webhooks:TimeoutSeconds"] = "300", ["Webhooks:RetrySchedule"] = "" });
        var caller = await server.NewCallerAsync();
        var taskId = await WebhookDeliveryTests.SubmitAsync(caller, receiver.Url);
        var held = await receiver.NextAsync();

        var retried = await caller.PostAsync("/task/openapi/retryWebhook", JsonSerializer.Serialize(new { webhookId = held.Id }));
        Assert.Equal(301, (int)retried["code"]!);
        Assert.Contains("webhookId: a send of this webhook is in flight (it ends by ", (string)retried["msg"]!);
        Assert.EndsWith("UTC at the latest); retry after it", (string)retried["msg"]!);
        var cli = await ServerProcess.RunAsync(["webhooks", "retry", held.Id, "--data", server.DataDir]);
        Assert.Equal(1, cli.ExitCode);
        Assert.Contains("a send of this webhook is in flight", cli.StdErr);

        // Nothing changed: still the one send, under its claim.
        var delivery = (await server.Services.GetRequiredService<WebhookDeliveries>().LatestOfTaskAsync(caller.AccountId, taskId))!;
        Assert.Equal((WebhookStatuses.Pending, 1L), (delivery.Status, delivery.Attempts));
        Assert.Equal(1, receiver.Requests);
    }

    [Fact]
    public async Task Webhooks_list_shows_the_delivery_log_and_webhooks_retry_sends_one_again()
    {
        await using var receiver = await WebhookReceiver.StartAsync(500);
        await using var server = await WebhookDeliveryTests.StartAsync(settings: new() { ["Webhooks:RetrySchedule"] = "" });
        var caller = await server.NewCallerAsync();
        var taskId = await WebhookDeliveryTests.SubmitAsync(caller, receiver.Url);
        await receiver.NextAsync();
        await WebhookDeliveryTests.WaitForAsync(server.Services.GetRequiredService<WebhookDeliveries>(), taskId, d => d.Status == WebhookStatuses.Failed);

        var listed = (await WebhookSecretTests.RunJsonAsync("webhooks", "list", "--status", "FAILED", "--data", server.DataDir, "--json")).AsArray();
        var row = Assert.Single(listed)!;
        Assert.Equal((taskId, 500L, 1L), ((string)row["taskId"]!, (long)row["responseStatus"]!, (long)row["attempts"]!));

        var retried = await WebhookSecretTests.RunJsonAsync("webhooks", "retry", (string)row["webhookId"]!, "--data", server.DataDir, "--json");
        Assert.Equal("PENDING", (string)retried["status"]!);
        await receiver.NextAsync();
        await WebhookDeliveryTests.WaitForAsync(server.Services.GetRequiredService<WebhookDeliveries>(), taskId, d => d.Status == WebhookStatuses.Success);

        var refused = await ServerProcess.RunAsync(["webhooks", "retry", (string)row["webhookId"]!, "--url", "ftp://example.com", "--data", server.DataDir]);
        Assert.Equal(2, refused.ExitCode);
        Assert.Contains("not an absolute http or https URL", refused.StdErr);
    }
}
