using System.CommandLine;
using Microsoft.Extensions.Options;
using RunHub.Accounts;
using RunHub.Data;
using RunHub.WebConsole.Users;

namespace RunHub.Cli;

/// <summary>
/// <c>runhub admin create --email EMAIL</c>: makes a console operator (a user who can open the admin pages), with an
/// account of its own. The password is read from standard input (one line, so it can be piped) or, at a terminal,
/// typed without echo. Works on the database directly, like <c>accounts</c>, and like it refuses a data folder without a
/// RunHub database (<see cref="AdminDatabase"/>): <c>serve</c> creates it, and on an empty one says to run this.
/// </summary>
public static class AdminCommand
{
    public static Command Create(Option<string?> data, Option<bool> verbose)
    {
        var email = new Option<string>("--email") { Description = "The operator's email, used to sign in", Required = true };
        var create = new Command("create", "Create a console operator (the password is read from standard input)") { email, data, verbose };
        create.SetAction(async parse =>
        {
            var address = parse.GetValue(email)!;
            if (PasswordRules.EmailProblem(address) is { } emailProblem) return CommandOutput.UsageError("--email: " + emailProblem);
            var password = ReadPassword();
            if (password is null) return CommandOutput.UsageError("no password given: type it, or pipe it on standard input");
            var options = CommandConfiguration.Load(parse.GetValue(data));
            var database = AdminDatabase.Open(parse, data, verbose);
            var users = new ConsoleUsers(database, new TopUpCodes(database, TimeProvider.System), Options.Create(options), TimeProvider.System);
            var (user, problem) = await users.CreateAsync(address, password, isOperator: true);
            if (user is null) return CommandOutput.Failure(problem!);
            Console.Out.WriteLine($"Created operator {user.Email} (account {user.AccountId}). Sign in at /console/signin on the server's address.");
            return 0;
        });
        var command = new Command("admin", "Manage the web console's operators");
        command.Subcommands.Add(create);
        return command;
    }

    private static string? ReadPassword()
    {
        if (Console.IsInputRedirected) return Console.In.ReadLine()?.TrimEnd('\r', '\n') is { Length: > 0 } piped ? piped : null;
        Console.Error.Write("Password: ");
        var typed = new System.Text.StringBuilder();
        while (true)
        {
            var key = Console.ReadKey(intercept: true);
            if (key.Key == ConsoleKey.Enter) break;
            if (key.Key == ConsoleKey.Backspace) { if (typed.Length > 0) typed.Length--; }
            else if (!char.IsControl(key.KeyChar)) typed.Append(key.KeyChar);
        }
        Console.Error.WriteLine();
        return typed.Length > 0 ? typed.ToString() : null;
    }
}
