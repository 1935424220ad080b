using System.CommandLine;

namespace RunHub.Cli;

/// <summary><c>runhub keys create|revoke|list</c>. Keys are shown in full only when created.</summary>
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
        var revoke = new Command("revoke", "Revoke an API key at once") { key, data, json, verbose };
        revoke.SetAction(async (parse, _) =>
        {
            var given = parse.GetValue(key)!;
            var (directory, database) = AccountsCommand.Directory(parse, data, verbose);
            if (!await directory.RevokeKeyAsync(given)) return CommandOutput.Failure("no live key matches");
            if (parse.GetValue(json)) CommandOutput.Json(new { database, revoked = true });
            else Console.Out.WriteLine("Revoked.");
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
        return command;
    }
}
