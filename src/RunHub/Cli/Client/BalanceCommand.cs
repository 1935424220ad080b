using System.CommandLine;
using System.Globalization;

namespace RunHub.Cli.Client;

/// <summary><c>runhub balance</c>: what the wallet can still spend, and how many tasks are queued or running.</summary>
internal static class BalanceCommand
{
    public static Command Create(ClientConnection connection)
    {
        var json = new Option<bool>("--json") { Description = "Print the server's account status as JSON" };
        var command = new Command("balance", "Show the account's remaining money and its running tasks") { json };
        connection.AddTo(command);
        command.SetAction((parse, cancellationToken) => ClientAction.RunAsync(async () =>
        {
            using var client = connection.Open(parse);
            var status = await client.GetAccountStatusAsync(cancellationToken);
            if (parse.GetValue(json))
            {
                ClientJson.Print(status.Raw);
                return ClientExitCodes.Ok;
            }
            var money = status.RemainMoney?.ToString(CultureInfo.InvariantCulture) ?? "?";
            Console.Out.WriteLine($"remaining  {money} {status.Currency}".TrimEnd());
            if (status.RemainCoins is { } coins and not 0)
                Console.Out.WriteLine($"coins      {coins.ToString(CultureInfo.InvariantCulture)}");
            Console.Out.WriteLine($"running    {status.CurrentTaskCounts?.ToString(CultureInfo.InvariantCulture) ?? "?"} tasks queued or running");
            return ClientExitCodes.Ok;
        }, cancellationToken));
        return command;
    }
}
