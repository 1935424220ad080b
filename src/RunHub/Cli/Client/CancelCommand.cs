using System.CommandLine;

namespace RunHub.Cli.Client;

/// <summary>
/// <c>runhub cancel TASKID</c> (RunHub servers only: RunningHub's v2 API has no cancel): a queued task ends CANCEL at
/// once, a running one is stopped by its worker within seconds; the task is printed as the server answered.
/// </summary>
internal static class CancelCommand
{
    public static Command Create(ClientConnection connection)
    {
        var json = new Option<bool>("--json") { Description = "Print the task object as JSON" };
        var taskId = new Argument<string>("taskId") { Description = "The task, as 'runhub run' printed it" };
        var command = new Command("cancel", "Cancel a queued or running task (its charge is released); RunHub only") { taskId, json };
        connection.AddTo(command);
        command.SetAction((parse, cancellationToken) => ClientAction.RunAsync(async () =>
        {
            var id = parse.GetValue(taskId)!.Trim();
            if (id.Length == 0) throw new UsageException("taskId: give the task's id");
            using var client = connection.Open(parse);
            var task = await client.CancelAsync(id, cancellationToken);
            if (parse.GetValue(json)) ClientJson.Print(task.Raw);
            else foreach (var line in TaskText.Describe(task)) Console.Out.WriteLine(line);
            return ClientExitCodes.Ok;
        }, cancellationToken));
        return command;
    }
}
