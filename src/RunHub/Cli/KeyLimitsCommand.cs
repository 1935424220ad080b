using System.CommandLine;
using System.Globalization;
using RunHub.Accounts;
using RunHub.Catalog;
using RunHub.Workflows;

namespace RunHub.Cli;

/// <summary>
/// <c>runhub keys limits KEY [--requests-per-minute N|default] [--spend-cap CNY|none] [--expires TIME|never] [--models A,B|all]</c>:
/// shows or sets one key's own options (docs/limits.md). Running servers apply a change within <c>RunHub:KeyCacheSeconds</c>.
/// <c>--models</c> takes model endpoints, <c>workflow:&lt;workflowId&gt;</c> and <c>ai-app:&lt;webappId&gt;</c>, each checked
/// against the catalog the server with the same settings serves (<see cref="AllowListNames"/>).
/// </summary>
public static class KeyLimitsCommand
{
    public static Command Create(Option<string?> data, Option<bool> json, Option<bool> verbose)
    {
        var key = new Argument<string>("key") { Description = "The key, in full or masked as 'keys list' shows it" };
        var rate = new Option<string?>("--requests-per-minute") { Description = "Requests the key may make per minute (1003 beyond); 0 for no limit, 'default' for RunHub:Limits:RequestsPerMinute" };
        var cap = new Option<string?>("--spend-cap") { Description = "The most the key's tasks may cost from now on, in CNY (812 beyond it); 'none' to remove" };
        var expires = new Option<string?>("--expires") { Description = "When the key stops working (ISO 8601, e.g. 2027-01-31T00:00:00Z); 'never' to remove" };
        var models = new Option<string?>("--models")
        {
            Description = "The only models, workflows and apps the key may run, comma-separated: model endpoints, workflow:<workflowId>, ai-app:<webappId> (1014 for others); 'all' to remove",
        };
        var command = new Command("limits", "Show or set a key's request rate, spend cap, expiry and model allow-list") { key, rate, cap, expires, models, data, json, verbose };
        command.SetAction(async (parse, _) =>
        {
            var change = new KeyPolicies.Change();
            if (parse.GetValue(rate) is { } r)
            {
                if (r == "default") change = change with { ClearRequestsPerMinute = true };
                else if (long.TryParse(r, NumberStyles.None, CultureInfo.InvariantCulture, out var perMinute)) change = change with { RequestsPerMinute = perMinute };
                else return CommandOutput.UsageError($"--requests-per-minute: '{r}' is not 0 or more, nor 'default'");
            }
            if (parse.GetValue(cap) is { } c)
            {
                if (c == "none") change = change with { ClearSpendCap = true };
                else if (Money.TryParse(c, out var money) && money.Millis >= 0) change = change with { SpendCap = money.Millis };
                else return CommandOutput.UsageError($"--spend-cap: '{c}' is not an amount such as 100 or 12.50, nor 'none'");
            }
            if (parse.GetValue(expires) is { } e)
            {
                if (e == "never") change = change with { ClearExpiry = true };
                else if (DateTimeOffset.TryParse(e, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var at))
                    change = change with { ExpiresAt = at.ToUnixTimeMilliseconds() };
                else return CommandOutput.UsageError($"--expires: '{e}' is not a time such as 2027-01-31T00:00:00Z, nor 'never'");
            }
            if (parse.GetValue(models) is { } m)
            {
                var list = m.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
                if (m.Trim() == "all") change = change with { ClearAllowedModels = true };
                else if (list.Length == 0) return CommandOutput.UsageError("--models: name one or more model endpoints, workflow:<id> or ai-app:<id>, comma-separated, or 'all'");
                else
                {
                    var served = CommandConfiguration.Load(parse.GetValue(data));
                    var (workflows, apps) = WorkflowCatalog.ReadFolder(ModelCatalog.DirectoryOf(served));
                    var (names, unknown) = AllowListNames.Check(list, ModelCatalog.Load(served), workflows.Keys, apps.Keys);
                    if (names is null) return CommandOutput.UsageError(unknown!);
                    change = change with { AllowedModels = names };
                }
            }
            var database = AdminDatabase.Open(parse, data, verbose);
            var policies = new KeyPolicies(database);
            var given = parse.GetValue(key)!.Trim();
            var (shown, error) = change == new KeyPolicies.Change() ? await policies.FindAsync(given) : await policies.SetAsync(given, change);
            if (shown is null) return CommandOutput.Failure(error!);
            var policy = shown.Policy;
            var expiry = policy.ExpiresAt is { } ms ? DateTimeOffset.FromUnixTimeMilliseconds(ms).UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture) : null;
            if (parse.GetValue(json))
                CommandOutput.Json(new
                {
                    key = shown.Hint, accountId = shown.AccountId, requestsPerMinute = policy.RequestsPerMinute,
                    spendCap = policy.SpendCap is { } sc ? new Money(sc).ToString() : null, spent = new Money(shown.Spent).ToString(),
                    expiresAt = expiry, allowedModels = policy.AllowedModels,
                });
            else
            {
                Console.Out.WriteLine($"key {shown.Hint} of account {shown.AccountId}");
                Console.Out.WriteLine($"requests per minute: {policy.RequestsPerMinute?.ToString(CultureInfo.InvariantCulture) ?? "the server's (RunHub:Limits:RequestsPerMinute)"}");
                Console.Out.WriteLine($"spend cap: {(policy.SpendCap is { } sc ? $"{new Money(sc)} CNY (spent {new Money(shown.Spent)} CNY)" : "none")}");
                Console.Out.WriteLine($"expires: {expiry ?? "never"}");
                Console.Out.WriteLine($"models: {(policy.AllowedModels is { } allowed ? string.Join(", ", allowed) : "all")}");
            }
            return 0;
        });
        return command;
    }
}
