using System.CommandLine;

namespace RunHub.Cli.Client;

/// <summary><c>runhub query TASKID</c>: a task as it is now, whatever its status (exit 0 when it was found).</summary>
internal static class QueryCommand
{
    public static Command Create(ClientConnection connection)
    {
        var json = new Option<bool>("--json") { Description = "Print the task object as JSON" };
        var taskId = new Argument<string>("taskId") { Description = "The task, as 'runhub run' printed it" };
        var command = new Command("query", "Show a task: its status, error and result URLs") { taskId, json };
        connection.AddTo(command);
        command.SetAction((parse, cancellationToken) => ClientAction.RunAsync(async () =>
        {
            var id = parse.GetValue(taskId)!.Trim();
            if (id.Length == 0) throw new UsageException("taskId: give the task's id");
            using var client = connection.Open(parse);
            var task = await client.QueryAsync(id, cancellationToken);
            if (parse.GetValue(json)) ClientJson.Print(task.Raw);
            else foreach (var line in TaskText.Describe(task)) Console.Out.WriteLine(line);
            return ClientExitCodes.Ok;
        }, cancellationToken));
        return command;
    }
}
