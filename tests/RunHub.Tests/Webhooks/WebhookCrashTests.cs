using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using RunHub.Accounts;
using RunHub.Tests.Data;
using RunHub.Tests.Engines.Dispatch;
using RunHub.Tests.Support;
using RunHub.Webhooks;
using StandardWebhooks;

namespace RunHub.Tests.Webhooks;

/// <summary>Two nodes on one PostgreSQL: a node killed in the middle of a send loses no delivery.</summary>
public sealed class WebhookCrashTests
{
    [PostgresFact]
    public async Task A_node_killed_mid_send_leaves_its_delivery_to_another_node_which_sends_it_with_the_same_webhook_id()
    {
        using var store = new TestStore(StoreKind.Postgres);
        var account = await new AccountDirectory(store.Database, TimeProvider.System).CreateAsync("crash", Money.FromDecimal(10m));
        // The receiver holds the first request open: the node that sent it is killed while it waits for the answer.
        await using var receiver = await WebhookReceiver.StartAsync(0);
        using var data = new TempDirectory();
        var environment = new Dictionary<string, string>(store.ProcessEnvironment)
        {
            ["RunHub__Media__AllowPrivateNetworks"] = "true",
            ["RunHub__Webhooks__TimeoutSeconds"] = "60",
            ["RunHub__Webhooks__PollMilliseconds"] = "50",
        };
        string taskId;
        WebhookReceiver.Received first;
        await using (var doomed = await ServerProcess.StartAsync(data.Path, environment))
        {
            using var http = new HttpClient { BaseAddress = new Uri(doomed.BaseUrl) };
            using var submit = new HttpRequestMessage(HttpMethod.Post, "/openapi/v2/rhart-image-g-1.5/text-to-image")
            {
                Content = new StringContent(new JsonObject { ["prompt"] = "a lighthouse at dawn", ["aspectRatio"] = "1:1", ["webhookUrl"] = receiver.Url }
                    .ToJsonString(), Encoding.UTF8, "application/json"),
            };
            submit.Headers.Authorization = new AuthenticationHeaderValue("Bearer", account.ApiKey);
            var submitted = JsonNode.Parse(await (await http.SendAsync(submit)).Content.ReadAsStringAsync())!;
            taskId = (string)submitted["taskId"]!;
            Assert.Equal("", (string)submitted["errorCode"]!);

            first = await receiver.NextAsync(TimeSpan.FromSeconds(60));
            await doomed.KillAsync();
        }

        // The dead node's claim runs until its send would have timed out (60 s + 5 s); the surviving node's clock is
        // moved past that instead of waiting for it.
        var time = new MovableTime();
        var settings = new Dictionary<string, string?>(store.ServerSettings)
        {
            ["Media:AllowPrivateNetworks"] = "true",
            ["Webhooks:PollMilliseconds"] = "50",
        };
        await using var survivor = await TestServer.StartAsync(settings, configureServices: s => s.AddSingleton<TimeProvider>(time));
        var deliveries = survivor.Services.GetRequiredService<WebhookDeliveries>();
        var claimed = await WebhookDeliveryTests.WaitForAsync(deliveries, taskId, d => d.Attempts == 1);
        Assert.Equal(WebhookStatuses.Pending, claimed.Status);
        time.Advance(TimeSpan.FromSeconds(66));

        var second = await receiver.NextAsync(TimeSpan.FromSeconds(60));
        var delivered = await WebhookDeliveryTests.WaitForAsync(deliveries, taskId, d => d.Status == WebhookStatuses.Success);

        Assert.Equal((first.Id, first.Body), (second.Id, second.Body));
        Assert.Equal(2L, delivered.Attempts);
        var secret = (await survivor.Services.GetRequiredService<WebhookSecrets>().ShowAsync(account.AccountId)).Current;
        new StandardWebhook(secret).Verify(first.Body, first.Headers);
        new StandardWebhook(secret).Verify(second.Body, second.Headers);
        Assert.Equal(taskId, (string)JsonNode.Parse(second.Body)!["taskId"]!);
    }
}
