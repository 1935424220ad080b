using System.CommandLine;
using System.Globalization;
using RunHub.Limits;

namespace RunHub.Cli;

/// <summary>
/// <c>runhub accounts limits ACCOUNT [--running N|default] [--queued N|default] [--uploads MB|default]</c>: shows or sets
/// the account's own running and queued limits and its cap on uploads kept (MB) over the server's <c>RunHub:Limits</c>
/// (a RunHub extension; docs/limits.md). 0 is no limit for the account; <c>default</c> (or <c>none</c>: no limit of its
/// own) gives it the server's again.
/// </summary>
public static class AccountLimitsCommand
{
    public static Command Create(Option<string?> data, Option<bool> json, Option<bool> verbose)
    {
        var accountId = new Argument<string>("account-id") { Description = "The account" };
        var running = new Option<string?>("--running") { Description = "Tasks the account may run at once (more wait queued); 0 for no limit, 'default' for RunHub:Limits:MaxRunningPerAccount" };
        var queued = new Option<string?>("--queued") { Description = "Tasks the account may have waiting (1011 beyond); 0 for no limit, 'default' for RunHub:Limits:MaxQueuedPerAccount" };
        var uploads = new Option<string?>("--uploads") { Description = "MB of uploads the account may keep at once (1008 beyond); 0 for no limit, 'default' for RunHub:Limits:MaxUploadMbPerAccount" };
        var command = new Command("limits", "Show or set an account's own running, queued and upload limits") { accountId, running, queued, uploads, data, json, verbose };
        command.SetAction(async (parse, _) =>
        {
            var change = new AccountLimitSettings.Change();
            if (parse.GetValue(running) is { } r)
            {
                if (!TryParse(r, out var value)) return CommandOutput.UsageError($"--running: '{r}' is not 0 or more, nor 'default'");
                change = value is { } n ? change with { MaxRunning = n } : change with { ClearMaxRunning = true };
            }
            if (parse.GetValue(queued) is { } q)
            {
                if (!TryParse(q, out var value)) return CommandOutput.UsageError($"--queued: '{q}' is not 0 or more, nor 'default'");
                change = value is { } n ? change with { MaxQueued = n } : change with { ClearMaxQueued = true };
            }
            if (parse.GetValue(uploads) is { } u)
            {
                if (!TryParse(u, out var value)) return CommandOutput.UsageError($"--uploads: '{u}' is not 0 or more MB, nor 'default'");
                change = value is { } n ? change with { MaxUploadMb = n } : change with { ClearMaxUploadMb = true };
            }
            var database = AdminDatabase.Open(parse, data, verbose);
            var settings = new AccountLimitSettings(database);
            var id = parse.GetValue(accountId)!;
            OwnLimits own;
            try
            {
                own = change == new AccountLimitSettings.Change() ? await settings.FindAsync(id) : await settings.SetAsync(id, change);
            }
            catch (KeyNotFoundException)
            {
                return CommandOutput.Failure($"no account {id}");
            }
            if (parse.GetValue(json))
                CommandOutput.Json(new { database = database.Description, accountId = id, maxRunning = own.MaxRunning, maxQueued = own.MaxQueued, maxUploadMb = own.MaxUploadMb });
            else
            {
                Console.Out.WriteLine($"account {id}");
                Console.Out.WriteLine($"running at once: {Shown(own.MaxRunning, "RunHub:Limits:MaxRunningPerAccount")}");
                Console.Out.WriteLine($"waiting: {Shown(own.MaxQueued, "RunHub:Limits:MaxQueuedPerAccount")}");
                Console.Out.WriteLine($"uploads kept (MB): {Shown(own.MaxUploadMb, "RunHub:Limits:MaxUploadMbPerAccount")}");
            }
            return 0;
        });
        return command;
    }

    /// <summary>A limit as given: a count (0 or more), or null for the server's (<c>default</c> or <c>none</c>); false when it is neither.</summary>
    private static bool TryParse(string text, out long? limit)
    {
        limit = null;
        if (text.Trim() is "default" or "none") return true;
        if (!long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var n)) return false;
        limit = n;
        return true;
    }

    private static string Shown(long? limit, string setting) => limit switch
    {
        null => $"the server's ({setting})",
        0 => "no limit (its own)",
        var n => $"{n.Value.ToString(CultureInfo.InvariantCulture)} (its own)",
    };
}
