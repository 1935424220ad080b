using System.CommandLine;
using RunHub.Data;
using RunHub.Media;
using RunHub.Webhooks;

namespace RunHub.Cli;

/// <summary>
/// <c>runhub webhooks list|retry</c>: the webhook delivery log of the database (every node's), and sending a delivery
/// again — to a new URL when given — as RunningHub's <c>retryWebhook</c> does. A running server sends it within its
/// senders' poll interval.
/// </summary>
public static class WebhooksCommand
{
    public static Command Create(Option<string?> data, Option<bool> json, Option<bool> verbose)
    {
        var command = new Command("webhooks", "List webhook deliveries and send them again");

        var account = new Option<string?>("--account") { Description = "Only this account's deliveries" };
        var task = new Option<string?>("--task") { Description = "Only this task's deliveries" };
        var status = new Option<string?>("--status") { Description = "Only deliveries in this state: PENDING, SUCCESS, FAILED" };
        status.AcceptOnlyFromAmong(WebhookStatuses.Pending, WebhookStatuses.Success, WebhookStatuses.Failed);
        var limit = new Option<int>("--limit") { Description = "At most this many, newest first (default 50)", DefaultValueFactory = _ => 50 };
        var list = new Command("list", "List webhook deliveries, newest first") { account, task, status, limit, data, json, verbose };
        list.SetAction(async (parse, _) =>
        {
            if (parse.GetValue(limit) is < 1 or > 10_000) return CommandOutput.UsageError("--limit: use 1 to 10000");
            var deliveries = new WebhookDeliveries(AdminDatabase.Open(parse, data, verbose), TimeProvider.System);
            var rows = await deliveries.ListAsync(parse.GetValue(account), parse.GetValue(task), parse.GetValue(status), parse.GetValue(limit));
            if (parse.GetValue(json))
                CommandOutput.Json(rows.Select(d => new
                {
                    webhookId = d.Id, taskId = d.TaskId, accountId = d.AccountId, url = d.Url, status = d.Status, attempts = d.Attempts,
                    nextAttemptAt = d.NextAttemptAt, responseStatus = d.ResponseStatus, response = d.Response, createdAt = d.CreatedAt, updatedAt = d.UpdatedAt,
                }));
            else
                foreach (var d in rows)
                    Console.Out.WriteLine($"{d.Id}  task {d.TaskId}  {d.Status,-7}  {d.Attempts} sends  " +
                        $"{(d.ResponseStatus is { } code ? "HTTP " + code : d.Response ?? "")}  {d.Url}");
            return 0;
        });

        var id = new Argument<string>("webhook-id") { Description = "The delivery to send again (as listed)" };
        var url = new Option<string?>("--url") { Description = "Send it to this URL instead (it stays the delivery's URL)" };
        var retry = new Command("retry", "Send a webhook delivery again now, with a fresh retry schedule") { id, url, data, json, verbose };
        retry.SetAction(async (parse, _) =>
        {
            var options = CommandConfiguration.Load(parse.GetValue(data));
            var newUrl = parse.GetValue(url);
            if (newUrl is not null && WebhookUrl.Problem(newUrl, new NetworkPolicy(options.Media)) is { } problem)
                return CommandOutput.UsageError("--url: " + problem);
            var deliveries = new WebhookDeliveries(AdminDatabase.Open(parse, data, verbose), TimeProvider.System);
            var (retried, sendingUntil) = await deliveries.RetryAsync(parse.GetValue(id)!, newUrl: newUrl);
            if (sendingUntil is { } until) return CommandOutput.Failure(WebhookDeliveries.InFlight(until));
            if (retried is null) return CommandOutput.Failure($"no webhook delivery {parse.GetValue(id)}");
            if (parse.GetValue(json)) CommandOutput.Json(new { webhookId = retried.Id, url = retried.Url, status = retried.Status });
            else Console.Out.WriteLine($"Delivery {retried.Id} of task {retried.TaskId} will be sent again to {retried.Url}.");
            return 0;
        });

        command.Subcommands.Add(list);
        command.Subcommands.Add(retry);
        return command;
    }
}
