using System.CommandLine;
using RunHub.Client;

namespace RunHub.Cli.Client;

/// <summary>
/// What <c>runhub run</c> and <c>runhub workflow run</c> share once a task is submitted: <c>--output</c>, <c>--json</c>,
/// <c>--no-wait</c>, <c>--timeout</c> and <c>--interval</c>, and the ending — print the task id, or wait with progress on
/// stderr and save the results, with the exit codes of <see cref="ClientExitCodes"/>.
/// </summary>
internal sealed class TaskRunOptions
{
    private const double DefaultTimeoutSeconds = 600;
    private const double DefaultIntervalSeconds = 1;

    public Option<bool> Json { get; } = new("--json") { Description = "Print the final task object as JSON instead of the result paths (results are saved only with -o)" };

    public Option<string?> Output { get; } = new("--output", "-o") { Description = "Folder for the results (default: the current folder)", HelpName = "DIR" };

    public Option<bool> NoWait { get; } = new("--no-wait") { Description = "Print the taskId and exit once the task is submitted" };

    public Option<double> Timeout { get; } = new("--timeout")
    {
        Description = "Seconds to wait for the task before exiting with code 3 (the task goes on)",
        HelpName = "SECONDS",
        DefaultValueFactory = _ => DefaultTimeoutSeconds,
    };

    public Option<double> Interval { get; } = new("--interval")
    {
        Description = "Seconds between two polls of the task",
        HelpName = "SECONDS",
        DefaultValueFactory = _ => DefaultIntervalSeconds,
    };

    public void AddTo(Command command)
    {
        foreach (var option in new Option[] { Output, Json, NoWait, Timeout, Interval }) command.Options.Add(option);
    }

    /// <summary>The wait's deadline and poll interval; checked before anything is sent.</summary>
    /// <exception cref="UsageException">Not a positive number of seconds.</exception>
    public WaitOptions Wait(ParseResult parse) => new()
    {
        Timeout = Seconds(parse.GetValue(Timeout), "--timeout"),
        PollInterval = Seconds(parse.GetValue(Interval), "--interval"),
    };

    /// <summary>
    /// Submits with <paramref name="submit"/>; a task that exists but failed at once is reported (its object on stdout
    /// with --json) and is exit code 1. Then prints the task id (--no-wait) or waits and saves.
    /// </summary>
    public async Task<int> SubmitAndFinishAsync(ParseResult parse, RunHubClient client, WaitOptions wait, Func<Task<RunHubTask>> submit,
        CancellationToken cancellationToken)
    {
        var json = parse.GetValue(Json);
        RunHubTask task;
        try
        {
            task = await submit();
        }
        catch (RunHubException e) when (e.TaskState is not null)
        {
            // The task exists but failed at once; a refusal (no task) is reported as any SDK error.
            TaskFailed(e, json);
            return ClientExitCodes.Failed;
        }
        if (parse.GetValue(NoWait))
        {
            PrintTaskId(task, json);
            return ClientExitCodes.Ok;
        }
        return await WaitAndSaveAsync(client, task, wait, parse.GetValue(Output), json, cancellationToken);
    }

    private static async Task<int> WaitAndSaveAsync(RunHubClient client, RunHubTask submitted, WaitOptions wait, string? outputFolder, bool json,
        CancellationToken cancellationToken)
    {
        var progress = new ProgressDisplay(submitted, ProgressDisplay.TerminalIsInteractive);
        RunHubTask task;
        try
        {
            task = submitted.IsTerminal
                ? submitted
                : await progress.ShowWhileAsync(() => client.WaitAsync(submitted.TaskId, progress, wait, cancellationToken));
        }
        catch (RunHubTimeoutException e)
        {
            progress.Finish(e.TaskState);
            PrintTaskId(e.TaskState ?? submitted, json);
            ClientAction.Error($"task {submitted.TaskId} did not finish within {wait.Timeout!.Value.TotalSeconds:0.###}s; it goes on on the server: runhub query {submitted.TaskId}");
            return ClientExitCodes.TimedOut;
        }
        catch (RunHubException e) when (e.TaskState is not null)
        {
            progress.Finish(e.TaskState);
            TaskFailed(e, json);
            return ClientExitCodes.Failed;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            progress.Finish(null);
            PrintTaskId(submitted, json);
            ClientAction.Error($"stopped waiting; the task goes on on the server: runhub query {submitted.TaskId}");
            return ClientExitCodes.Cancelled;
        }
        progress.Finish(task);

        // With --json the task object is the output; files are saved only when a folder was asked for.
        if (!json || outputFolder is not null)
        {
            var paths = await client.DownloadResultsAsync(task, outputFolder ?? ".", cancellationToken);
            if (!json)
                foreach (var path in paths) Console.Out.WriteLine(path);
        }
        if (json) ClientJson.Print(task.Raw);
        return ClientExitCodes.Ok;
    }

    /// <summary>The failed task object is still the output a --json script reads; the reason goes to stderr.</summary>
    private static void TaskFailed(RunHubException e, bool json)
    {
        if (json && e.TaskState is not null) ClientJson.Print(e.TaskState.Raw);
        ClientAction.Error($"task {e.TaskId} failed: {e.ErrorCode} {e.ErrorMessage}");
    }

    /// <summary>
    /// The task to resume, on stdout: its id, or with --json its last known object (a bare 19-digit id would
    /// read as a JSON number and lose digits).
    /// </summary>
    private static void PrintTaskId(RunHubTask task, bool json)
    {
        if (json) ClientJson.Print(task.Raw);
        else Console.Out.WriteLine(task.TaskId);
    }

    private static TimeSpan Seconds(double value, string option) =>
        double.IsFinite(value) && value > 0 && value <= TimeSpan.MaxValue.TotalSeconds / 2
            ? TimeSpan.FromSeconds(value)
            : throw new UsageException($"{option}: {value} is not a positive number of seconds");
}
