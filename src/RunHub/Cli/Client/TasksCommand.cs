using System.CommandLine;
using System.Globalization;
using RunHub.Api;
using RunHub.Client;

namespace RunHub.Cli.Client;

/// <summary>
/// <c>runhub tasks [--endpoint E] [--status S] [--since T] [--before T] [--limit N] [--cursor C] [--json]</c>: the
/// key's tasks, newest first, one page (a RunHub server's <c>GET /openapi/v2/tasks</c>). Prints the next page's
/// command when there is one.
/// </summary>
internal static class TasksCommand
{
    public static Command Create(ClientConnection connection)
    {
        var endpoint = new Option<string?>("--endpoint") { Description = "Only tasks of this model endpoint" };
        var status = new Option<string?>("--status") { Description = "Only tasks in this status: QUEUED, RUNNING, SUCCESS, FAILED or CANCEL" };
        var since = new Option<string?>("--since") { Description = "Only tasks created at or after this date or time (2026-11-30, 2026-11-30T08:00Z)" };
        var before = new Option<string?>("--before") { Description = "Only tasks created before this date or time" };
        var limit = new Option<int?>("--limit") { Description = "Tasks per page, 1 to 100 (default 20)" };
        var cursor = new Option<string?>("--cursor") { Description = "Where the previous page ended (as it printed)" };
        var json = new Option<bool>("--json") { Description = "Print the page as JSON" };
        var command = new Command("tasks", "List your tasks, newest first (a RunHub server)") { endpoint, status, since, before, limit, cursor, json };
        connection.AddTo(command);
        command.SetAction((parse, cancellationToken) => ClientAction.RunAsync(async () =>
        {
            var problems = new List<string>();
            var filter = new TaskListFilter
            {
                Endpoint = parse.GetValue(endpoint),
                Status = parse.GetValue(status)?.ToUpperInvariant(),
                Since = Time(parse.GetValue(since), "--since", problems),
                Before = Time(parse.GetValue(before), "--before", problems),
                Limit = parse.GetValue(limit),
                Cursor = parse.GetValue(cursor),
            };
            if (filter.Limit is < 1 or > 100) problems.Add($"--limit: {filter.Limit} is not from 1 to 100");
            if (problems.Count > 0) throw new UsageException(problems);
            using var client = connection.Open(parse);
            var page = await client.ListTasksAsync(filter, cancellationToken);
            if (parse.GetValue(json))
            {
                ClientJson.Print(System.Text.Json.JsonSerializer.SerializeToElement(new
                {
                    tasks = page.Tasks.Select(t => new { task = t.Task.Raw, endpoint = t.Endpoint, createdAt = t.CreatedAt, finishedAt = t.FinishedAt }),
                    nextCursor = page.NextCursor,
                }));
                return ClientExitCodes.Ok;
            }
            if (page.Tasks.Count == 0) Console.Out.WriteLine("no tasks");
            foreach (var t in page.Tasks)
                Console.Out.WriteLine(string.Join("  ", t.Task.TaskId, t.CreatedAt.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture),
                    t.Task.RawStatus.PadRight(7), t.Endpoint, t.Task.Usage?.ConsumeMoney is { } money ? money + " CNY" : "", t.Task.ErrorCode));
            if (page.NextCursor is not null) Console.Out.WriteLine($"more: runhub tasks --cursor {page.NextCursor}");
            return ClientExitCodes.Ok;
        }, cancellationToken));
        return command;
    }

    private static DateTimeOffset? Time(string? text, string name, List<string> problems)
    {
        if (string.IsNullOrWhiteSpace(text)) return null;
        if (TaskListQuery.TryParseTime(text.Trim(), out var time)) return time;
        problems.Add($"{name}: '{text}' is not a date or time such as 2026-11-30 or 2026-11-30T08:00:00Z");
        return null;
    }
}
