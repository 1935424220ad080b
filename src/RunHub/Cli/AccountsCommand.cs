using System.CommandLine;
using System.Text.Json;
using RunHub.Accounts;
using RunHub.Data;

namespace RunHub.Cli;

/// <summary>
/// <c>runhub accounts create|topup|list|retention|limits|webhook-secret</c>: works on the database directly, also while the server runs — the
/// SQLite file in the data folder, or the PostgreSQL database of <c>RunHub__Store__Postgres</c>, as the server.
/// </summary>
public static class AccountsCommand
{
    public static Command Create(Option<string?> data, Option<bool> json, Option<bool> verbose)
    {
        var command = new Command("accounts", "Create accounts, top up wallets, list accounts");

        var name = new Option<string>("--name") { Description = "Account name", Required = true };
        var balance = new Option<string?>("--balance") { Description = "Opening balance in CNY (default 0)" };
        var create = new Command("create", "Create an account with a wallet and one API key") { name, balance, data, json, verbose };
        create.SetAction(async (parse, _) =>
        {
            var opening = Money.Zero;
            if (parse.GetValue(balance) is { } text && !Money.TryParse(text, out opening, out var problem))
                return CommandOutput.UsageError($"--balance: {problem}");
            var accountName = parse.GetValue(name)!;
            if (string.IsNullOrWhiteSpace(accountName)) return CommandOutput.UsageError("--name: an account needs a non-empty name");
            var (directory, database) = Directory(parse, data, verbose);
            var account = await directory.CreateAsync(accountName, opening);
            if (parse.GetValue(json))
                CommandOutput.Json(new { database, accountId = account.AccountId, apiKey = account.ApiKey, balance = account.Balance.ToString() });
            else
                Console.Out.WriteLine($"Created account {account.AccountId} \"{account.Name}\" with {account.Balance} CNY.\nAPI key (shown only now): {account.ApiKey}");
            return 0;
        });

        var accountId = new Argument<string>("account-id") { Description = "The account to top up" };
        var amount = new Option<string>("--amount") { Description = "Amount in CNY to add", Required = true };
        var topup = new Command("topup", "Add money to an account's wallet") { accountId, amount, data, json, verbose };
        topup.SetAction(async (parse, _) =>
        {
            var text = parse.GetValue(amount)!;
            if (!Money.TryParse(text, out var money, out var problem))
                return CommandOutput.UsageError($"--amount: {problem}");
            if (money.Millis <= 0) return CommandOutput.UsageError($"--amount: '{text}' is not a positive amount such as 100 or 12.50");
            var id = parse.GetValue(accountId)!;
            try
            {
                var (directory, database) = Directory(parse, data, verbose);
                var now = await directory.TopUpAsync(id, money, "topup by command");
                if (parse.GetValue(json)) CommandOutput.Json(new { database, accountId = id, balance = now.ToString() });
                else Console.Out.WriteLine($"Account {id} now has {now} CNY.");
                return 0;
            }
            catch (KeyNotFoundException)
            {
                return CommandOutput.Failure($"no account {id}");
            }
            catch (BalanceLimitException e)
            {
                return CommandOutput.Failure(e.Message);
            }
        });

        var list = new Command("list", "List accounts with their balances") { data, json, verbose };
        list.SetAction(async (parse, _) =>
        {
            var (directory, database) = Directory(parse, data, verbose);
            var accounts = await directory.ListAsync();
            if (parse.GetValue(json))
                CommandOutput.Json(new { database, accounts = accounts.Select(a => new { accountId = a.Id, name = a.Name, balance = a.Balance.ToString(), held = a.Held.ToString() }) });
            else
                foreach (var a in accounts)
                    Console.Out.WriteLine($"{a.Id}  {a.Balance,12} CNY  (held {a.Held})  {a.Name}");
            return 0;
        });

        command.Subcommands.Add(create);
        command.Subcommands.Add(topup);
        command.Subcommands.Add(list);
        command.Subcommands.Add(AccountRetentionCommand.Create(data, json, verbose));
        command.Subcommands.Add(AccountLimitsCommand.Create(data, json, verbose));
        command.Subcommands.Add(WebhookSecretCommand.Create(data, json, verbose));
        return command;
    }

    /// <summary>The directory of the configured, existing database (<see cref="AdminDatabase"/>) and that database's description.</summary>
    internal static (AccountDirectory Directory, string Database) Directory(ParseResult parse, Option<string?> data, Option<bool> verbose)
    {
        var database = AdminDatabase.Open(parse, data, verbose);
        return (new AccountDirectory(database, TimeProvider.System), database.Description);
    }
}
