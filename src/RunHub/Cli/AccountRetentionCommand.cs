using System.CommandLine;
using System.Globalization;
using RunHub.Accounts;

namespace RunHub.Cli;

/// <summary>
/// <c>runhub accounts retention ACCOUNT [--days N | --default]</c>: shows or sets how long the account's result
/// files and uploads are kept (a RunHub extension; docs/retention.md).
/// </summary>
public static class AccountRetentionCommand
{
    public static Command Create(Option<string?> data, Option<bool> json, Option<bool> verbose)
    {
        var accountId = new Argument<string>("account-id") { Description = "The account" };
        var days = new Option<string?>("--days") { Description = "Keep the account's result files and uploads this many days (e.g. 30 or 0.5)" };
        var useDefault = new Option<bool>("--default") { Description = "Use the server's RunHub:Retention:Days again" };
        var command = new Command("retention", "Show or set how long an account's result files and uploads are kept")
        {
            accountId, days, useDefault, data, json, verbose,
        };
        command.SetAction(async (parse, _) =>
        {
            var id = parse.GetValue(accountId)!;
            var text = parse.GetValue(days);
            var reset = parse.GetValue(useDefault);
            if (text is not null && reset) return CommandOutput.UsageError("--days and --default: give one of them, or neither to see the setting");
            double? value = null;
            if (text is not null && !(double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var parsed)
                                      && parsed > 0 && parsed <= RunHubOptionsValidation.MaxRetentionDays))
                return CommandOutput.UsageError($"--days: '{text}' is not a number of days above 0 and at most {RunHubOptionsValidation.MaxRetentionDays}, such as 30");
            if (text is not null) value = double.Parse(text, CultureInfo.InvariantCulture);
            var database = AdminDatabase.Open(parse, data, verbose);
            var retention = new AccountRetention(database);
            try
            {
                if (text is not null || reset) await retention.SetAsync(id, value);
                var current = await retention.DaysAsync(id);
                var shown = current?.ToString("0.###", CultureInfo.InvariantCulture);
                if (parse.GetValue(json))
                    CommandOutput.Json(new { database = database.Description, accountId = id, retentionDays = current, usesServerDefault = current is null });
                else
                    Console.Out.WriteLine(current is null
                        ? $"Account {id} keeps files for the server's RunHub:Retention:Days."
                        : $"Account {id} keeps result files and uploads for {shown} days.");
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
