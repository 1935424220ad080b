using System.CommandLine;
using RunHub.Data;
using RunHub.Webhooks;

namespace RunHub.Cli;

/// <summary>
/// <c>runhub accounts webhook-secret ACCOUNT [--rotate] [--grace-hours H]</c>: shows the account's webhook signing secret
/// (creating it when it has none), or replaces it; the replaced one still signs beside the new one for the grace period.
/// </summary>
public static class WebhookSecretCommand
{
    public static Command Create(Option<string?> data, Option<bool> json, Option<bool> verbose)
    {
        var accountId = new Argument<string>("account-id") { Description = "The account whose webhooks the secret signs" };
        var rotate = new Option<bool>("--rotate") { Description = "Replace the secret with a new one" };
        var grace = new Option<double?>("--grace-hours")
        {
            Description = "With --rotate: hours the old secret still signs beside the new one (default RunHub:Webhooks:SecretGraceHours, 24)",
        };
        var command = new Command("webhook-secret", "Show or rotate an account's webhook signing secret (whsec_...)") { accountId, rotate, grace, data, json, verbose };
        command.SetAction(async (parse, _) =>
        {
            var options = CommandConfiguration.Load(parse.GetValue(data));
            var hours = parse.GetValue(grace) ?? options.Webhooks.SecretGraceHours;
            if (!(hours >= 0)) return CommandOutput.UsageError($"--grace-hours: {hours} is not 0 or more");
            var secrets = new WebhookSecrets(AdminDatabase.Open(parse, data, verbose), TimeProvider.System);
            var id = parse.GetValue(accountId)!;
            try
            {
                var secret = parse.GetValue(rotate) ? await secrets.RotateAsync(id, TimeSpan.FromHours(hours)) : await secrets.ShowAsync(id);
                var until = secret.PreviousUntil is { } ms ? DateTimeOffset.FromUnixTimeMilliseconds(ms).ToString("u") : null;
                if (parse.GetValue(json))
                    CommandOutput.Json(new { accountId = id, secret = secret.Current, previousSecret = secret.Previous, previousValidUntil = until });
                else
                {
                    Console.Out.WriteLine($"Webhook signing secret of {id}: {secret.Current}");
                    if (secret.Previous is not null) Console.Out.WriteLine($"The previous secret {secret.Previous} also signs until {until}.");
                }
                return 0;
            }
            catch (KeyNotFoundException)
            {
                return CommandOutput.Failure($"no account {id}");
            }
        });
        return command;
    }
}
