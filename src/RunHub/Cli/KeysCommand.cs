using System.CommandLine;
using RunHub.Accounts;

namespace RunHub.Cli;

/// <summary>
/// <c>runhub keys create|revoke|list|limits</c>. Keys are shown in full only when created; <c>revoke</c> takes a key in full or
/// masked, and revokes one key at most (a masked key shared by several live keys needs <c>--account</c> or the full key).
/// </summary>
public static class KeysCommand
{
    public static Command Create(Option<string?> data, Option<bool> json, Option<bool> verbose)
    {
        var command = new Command("keys", "Create, revoke and list API keys");

        var accountId = new Argument<string>("account-id") { Description = "The account the key belongs to" };
        var create = new Command("create", "Create another API key for an account") { accountId, data, json, verbose };
        create.SetAction(async (parse, _) =>
        {
            var id = parse.GetValue(accountId)!;
            try
            {
                var (directory, database) = AccountsCommand.Directory(parse, data, verbose);
                var key = await directory.CreateKeyAsync(id);
                if (parse.GetValue(json)) CommandOutput.Json(new { database, accountId = id, apiKey = key });
                else Console.Out.WriteLine($"API key for {id} (shown only now): {key}");
                return 0;
            }
            catch (KeyNotFoundException)
            {
                return CommandOutput.Failure($"no account {id}");
            }
        });

        var key = new Argument<string>("key") { Description = "The key, in full or as listed (masked)" };
        var revokeAccount = new Option<string?>("--account") { Description = "The account the key belongs to (needed when a masked key matches keys of several accounts)" };
        var revoke = new Command("revoke", "Revoke one API key at once") { key, revokeAccount, data, json, verbose };
        revoke.SetAction(async (parse, _) =>
        {
            var given = parse.GetValue(key)!.Trim();
            var accountId = parse.GetValue(revokeAccount);
            var (directory, database) = AccountsCommand.Directory(parse, data, verbose);
            var outcome = await directory.RevokeKeyAsync(given, accountId);
            if (outcome.Ambiguous) return Ambiguous(given, accountId, outcome.Matches);
            if (!outcome.Revoked)
                return CommandOutput.Failure(accountId is null ? $"no live key matches {given}" : $"no live key of account {accountId} matches {given}");
            var revoked = outcome.Matches[0];
            if (parse.GetValue(json)) CommandOutput.Json(new { database, revoked = true, key = revoked.Hint, accountId = revoked.AccountId });
            else Console.Out.WriteLine($"Revoked {revoked.Hint} of account {revoked.AccountId}.");
            return 0;
        });

        var account = new Option<string?>("--account") { Description = "Only this account's keys" };
        var list = new Command("list", "List API keys (masked)") { account, data, json, verbose };
        list.SetAction(async (parse, _) =>
        {
            var (directory, database) = AccountsCommand.Directory(parse, data, verbose);
            var keys = await directory.ListKeysAsync(parse.GetValue(account));
            if (parse.GetValue(json))
                CommandOutput.Json(new { database, keys = keys.Select(k => new { key = k.Hint, accountId = k.AccountId, revoked = k.Revoked }) });
            else
                foreach (var k in keys)
                    Console.Out.WriteLine($"{k.Hint}  {k.AccountId}  {(k.Revoked ? "revoked" : "live")}");
            return 0;
        });

        command.Subcommands.Add(create);
        command.Subcommands.Add(revoke);
        command.Subcommands.Add(list);
        command.Subcommands.Add(KeyLimitsCommand.Create(data, json, verbose));
        return command;
    }

    /// <summary>A masked key names no key when several live keys share it: revoke nothing, list them, say how to pick one.</summary>
    private static int Ambiguous(string given, string? accountId, IReadOnlyList<KeySummary> matches)
    {
        var where = accountId is null ? "" : $" of account {accountId}";
        Console.Error.WriteLine($"runhub: {given} matches {matches.Count} live keys{where}; nothing was revoked:");
        foreach (var match in matches)
            Console.Error.WriteLine($"  {match.Hint}  account {match.AccountId}  created {DateTimeOffset.FromUnixTimeMilliseconds(match.CreatedAt):yyyy-MM-dd HH:mm:ss}Z");
        Console.Error.WriteLine(accountId is null
            ? "runhub: add --account <account-id> to say whose key it is, or give the full key"
            : "runhub: give the full key to say which one");
        return CommandOutput.Failed;
    }
}
