using System.Globalization;
using System.Text.Json.Nodes;
using Dapper;
using Microsoft.Extensions.DependencyInjection;
using RunHub.Data;
using RunHub.Tests.Engines.Dispatch;
using RunHub.Tests.Support;
using RunHub.Webhooks;
using StandardWebhooks;

namespace RunHub.Tests.Webhooks;

/// <summary>Webhooks as a receiver sees them: RunningHub's body, Standard Webhooks signatures, retries, the SSRF guard.</summary>
public sealed class WebhookDeliveryTests
{
    private const string Model = "rhart-image-g-1.5/text-to-image";

    internal static Task<TestServer> StartAsync(MovableTime? time = null, Dictionary<string, string?>? settings = null)
    {
        var all = new Dictionary<string, string?>
        {
            ["Media:AllowPrivateNetworks"] = "true",
            ["Webhooks:PollMilliseconds"] = "50",
            ["Webhooks:TimeoutSeconds"] = "5",
        };
        foreach (var (key, value) in settings ?? []) all[key] = value;
        return TestServer.StartAsync(all, configureServices: time is null ? null : s => s.AddSingleton<TimeProvider>(time));
    }

    internal static async Task<string> SubmitAsync(ApiCaller caller, string webhookUrl, string prompt = "a lighthouse at dawn")
    {
        var submitted = await caller.SubmitAsync(Model, new { prompt, aspectRatio = "1:1", webhookUrl });
        Assert.Equal("", (string)submitted["errorCode"]!);
        return (string)submitted["taskId"]!;
    }

    [Fact]
    public async Task A_task_that_ends_is_posted_as_TASK_END_with_its_task_object_and_verifies_with_the_StandardWebhooks_package()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        await using var server = await StartAsync();
        var caller = await server.NewCallerAsync();
        var taskId = await SubmitAsync(caller, receiver.Url);

        var received = await receiver.NextAsync();

        // Verified as a receiver would, with the reference .NET implementation and the account's secret.
        var secret = (await server.Services.GetRequiredService<WebhookSecrets>().ShowAsync(caller.AccountId)).Current;
        Assert.StartsWith("whsec_", secret);
        new StandardWebhook(secret).Verify(received.Body, received.Headers);
        Assert.Throws<StandardWebhooks.Diagnostics.WebhookVerificationException>(() =>
            new StandardWebhook(WebhookSignature.NewSecret()).Verify(received.Body, received.Headers));
        Assert.Throws<StandardWebhooks.Diagnostics.WebhookVerificationException>(() =>
            new StandardWebhook(secret).Verify(received.Body.Replace("SUCCESS", "FAILED"), received.Headers));

        var body = JsonNode.Parse(received.Body)!.AsObject();
        Assert.Equal(["event", "taskId", "eventData"], body.Select(p => p.Key));
        Assert.Equal(("TASK_END", taskId), ((string)body["event"]!, (string)body["taskId"]!));
        // eventData is a JSON string, as RunningHub sends it: the task object query answers.
        var eventData = JsonNode.Parse((string)body["eventData"]!)!.AsObject();
        var queried = await caller.QueryAsync(taskId);
        Assert.Equal(queried.ToJsonString(), eventData.ToJsonString());
        Assert.Equal("SUCCESS", (string)eventData["status"]!);
        var png = await server.Http.GetByteArrayAsync((string)eventData["results"]![0]!["url"]!);
        Assert.Equal((byte)'P', png[1]);
        Assert.Equal("application/json; charset=utf-8", received.Headers.ContentType.ToString());

        // The send is counted at /metrics, and nothing is left pending. The counter is at least 1, not exactly: RunHub's
        // meter is one per process, and the other in-process servers of the suite that send webhooks meanwhile count there too.
        await WaitForAsync(server.Services.GetRequiredService<WebhookDeliveries>(), taskId, d => d.Status == WebhookStatuses.Success);
        var metrics = (await server.Http.GetStringAsync("/metrics")).Split('\n');
        var sends = Assert.Single(metrics, l => l.StartsWith("runhub_webhook_sends_total{", StringComparison.Ordinal) && l.Contains("runhub_outcome=\"success\""));
        Assert.True(double.Parse(sends[(sends.LastIndexOf(' ') + 1)..], CultureInfo.InvariantCulture) >= 1, sends);
        Assert.Contains(metrics, l => l.StartsWith("runhub_webhook_send_duration_seconds_count{", StringComparison.Ordinal) && l.Contains("runhub_outcome=\"success\""));
        Assert.Contains(metrics, l => l.StartsWith("runhub_webhook_pending{", StringComparison.Ordinal) && l.EndsWith(" 0"));
    }

    [Fact]
    public async Task A_failed_send_is_sent_again_on_the_schedule_with_the_same_webhook_id_until_a_2xx()
    {
        var time = new MovableTime();
        await using var receiver = await WebhookReceiver.StartAsync(503, 429, 500);
        await using var server = await StartAsync(time, new() { ["Webhooks:RetrySchedule"] = "5s 5m 30m" });
        var caller = await server.NewCallerAsync();
        var taskId = await SubmitAsync(caller, receiver.Url);

        var first = await receiver.NextAsync();
        var deliveries = server.Services.GetRequiredService<WebhookDeliveries>();
        var pending = await WaitForAsync(deliveries, taskId, d => d.Attempts == 1 && d.ResponseStatus == 503);
        Assert.Equal(WebhookStatuses.Pending, pending.Status);
        // The next send is due the schedule's first wait (5 s) after this one was recorded (the two clock readings may be ms apart).
        Assert.InRange(pending.NextAttemptAt!.Value - pending.UpdatedAt, 4_900, 5_000);
        // Not before its time: at this clock no sender (on any node) can claim it.
        Assert.Null(await deliveries.ClaimAsync(TimeSpan.FromSeconds(1)));
        Assert.True(receiver.NothingMore);

        time.Advance(TimeSpan.FromSeconds(5));
        var second = await receiver.NextAsync();
        await WaitForAsync(deliveries, taskId, d => d.Attempts == 2 && d.ResponseStatus == 429);
        time.Advance(TimeSpan.FromSeconds(300));
        var third = await receiver.NextAsync();
        await WaitForAsync(deliveries, taskId, d => d.Attempts == 3 && d.ResponseStatus == 500);
        time.Advance(TimeSpan.FromSeconds(1800));
        var fourth = await receiver.NextAsync();
        var delivered = await WaitForAsync(deliveries, taskId, d => d.Status == WebhookStatuses.Success);

        Assert.Single(new[] { first.Id, second.Id, third.Id, fourth.Id }.Distinct());
        Assert.Equal(first.Body, fourth.Body);
        Assert.Equal((4L, 200L, "thanks"), (delivered.Attempts, delivered.ResponseStatus!.Value, delivered.Response!));
    }

    [Fact]
    public async Task A_410_stops_the_retries_and_a_delivery_is_given_up_when_the_schedule_is_used_up()
    {
        var time = new MovableTime();
        await using var gone = await WebhookReceiver.StartAsync(410);
        await using var failing = await WebhookReceiver.StartAsync(500, 502);
        await using var server = await StartAsync(time, new() { ["Webhooks:RetrySchedule"] = "5s" });
        var caller = await server.NewCallerAsync();
        var deliveries = server.Services.GetRequiredService<WebhookDeliveries>();
        var toGone = await SubmitAsync(caller, gone.Url);
        var toFailing = await SubmitAsync(caller, failing.Url, "another lighthouse");

        await gone.NextAsync();
        var stopped = await WaitForAsync(deliveries, toGone, d => d.Status != WebhookStatuses.Pending);
        Assert.Equal((WebhookStatuses.Failed, 410L, 1L), (stopped.Status, stopped.ResponseStatus!.Value, stopped.Attempts));
        await failing.NextAsync();
        await WaitForAsync(deliveries, toFailing, d => d.Attempts == 1 && d.ResponseStatus == 500);
        time.Advance(TimeSpan.FromSeconds(5));
        await failing.NextAsync();
        var givenUp = await WaitForAsync(deliveries, toFailing, d => d.Status != WebhookStatuses.Pending);
        Assert.Equal((WebhookStatuses.Failed, 502L, 2L), (givenUp.Status, givenUp.ResponseStatus!.Value, givenUp.Attempts));

        // Neither is ever due again.
        time.Advance(TimeSpan.FromDays(2));
        Assert.Null(await deliveries.ClaimAsync(TimeSpan.FromSeconds(1)));
        Assert.Equal((1, 2), (gone.Requests, failing.Requests));
    }

    [Fact]
    public async Task A_redirect_is_not_followed_and_counts_as_a_failed_send()
    {
        await using var target = await WebhookReceiver.StartAsync();
        await using var receiver = await WebhookReceiver.StartAsync(307);
        await using var server = await StartAsync();
        var caller = await server.NewCallerAsync();
        var taskId = await SubmitAsync(caller, receiver.Url);

        await receiver.NextAsync();
        var delivery = await WaitForAsync(server.Services.GetRequiredService<WebhookDeliveries>(), taskId, d => d.Attempts == 1 && d.ResponseStatus is not null);
        Assert.Equal((WebhookStatuses.Pending, 307L), (delivery.Status, delivery.ResponseStatus!.Value));
        Assert.Equal(1, receiver.Requests);
        Assert.Equal(0, target.Requests);
    }

    [Fact]
    public async Task Webhook_urls_that_reach_private_addresses_are_refused_at_submit_or_at_send_as_input_urls_are()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        // The SSRF guard of input fetches, with its default: private networks are not reached.
        await using var server = await StartAsync(settings: new() { ["Media:AllowPrivateNetworks"] = "false" });
        var caller = await server.NewCallerAsync();

        var literal = await caller.SubmitAsync(Model, new { prompt = "a lighthouse at dawn", aspectRatio = "1:1", webhookUrl = receiver.Url });
        Assert.Equal("1007", (string)literal["errorCode"]!);
        Assert.Contains("webhookUrl: 127.0.0.1 is a loopback address", (string)literal["errorMessage"]!);
        foreach (var bad in new object[] { "ftp://example.com/hook", "not a url", 42, "http://user:pw@example.com/" })
        {
            var refused = await caller.SubmitAsync(Model, new { prompt = "a lighthouse at dawn", aspectRatio = "1:1", webhookUrl = bad });
            Assert.Equal("1007", (string)refused["errorCode"]!);
            Assert.Contains("webhookUrl", (string)refused["errorMessage"]!);
        }

        // A name is checked where it resolves, at each send: localhost is refused there, and the delivery fails at once.
        var byName = receiver.Url.Replace("127.0.0.1", "localhost");
        var taskId = await SubmitAsync(caller, byName);
        var failed = await WaitForAsync(server.Services.GetRequiredService<WebhookDeliveries>(), taskId, d => d.Status == WebhookStatuses.Failed);
        Assert.Contains("is a loopback address; private addresses are not fetched", failed.Response);
        Assert.Null(failed.ResponseStatus);
        Assert.Equal(0, receiver.Requests);
        Assert.Equal(9.97m, await caller.BalanceAsync());
    }

    [Fact]
    public async Task A_task_without_a_webhook_url_writes_no_delivery()
    {
        await using var server = await StartAsync();
        var caller = await server.NewCallerAsync();
        var submitted = await caller.SubmitAsync(Model, new { prompt = "a lighthouse at dawn", aspectRatio = "1:1", webhookUrl = "" });
        await caller.WaitAsync((string)submitted["taskId"]!);
        using var db = server.Services.GetRequiredService<Database>().Open();
        Assert.Equal(0, db.ExecuteScalar<long>("SELECT count(*) FROM webhook_deliveries"));
    }

    internal static async Task<WebhookDelivery> WaitForAsync(WebhookDeliveries deliveries, string taskId, Func<WebhookDelivery, bool> condition) =>
        (await Poll.ForAsync(async () => (await deliveries.ListAsync(taskId: taskId)).FirstOrDefault(),
            delivery => delivery is not null && condition(delivery), delivery => $"the delivery of {taskId} to reach the expected state: {delivery}",
            TimeSpan.FromSeconds(30), TimeSpan.FromMilliseconds(20)))!;
}
