using System.CommandLine;
using RunHub.Client;

namespace RunHub.Cli.Client;

/// <summary>
/// <c>runhub run ENDPOINT -p key=value -f field=path</c>: validate locally, upload, submit, wait with progress,
/// download the results. Stdout carries only what a script reads (result paths, the task JSON, or a taskId).
/// </summary>
internal static class RunCommand
{
    private const double DefaultTimeoutSeconds = 600;
    private const double DefaultIntervalSeconds = 1;

    public static Command Create(ClientConnection connection)
    {
        var json = new Option<bool>("--json") { Description = "Print the final task object as JSON instead of the result paths (results are saved only with -o)" };
        var endpoint = new Argument<string>("endpoint") { Description = "The model's endpoint, e.g. rhart-image-g-1.5/edit ('runhub models' lists them)" };
        var parameters = new Option<string[]>("--param", "-p")
        {
            Description = "A parameter, typed by the model's schema (numbers, true/false, text); repeat a key for a list",
            HelpName = "key=value",
        };
        var files = new Option<string[]>("--file", "-f")
        {
            Description = "A local file for a media parameter, uploaded first; repeat for several files",
            HelpName = "field=path",
        };
        var output = new Option<string?>("--output", "-o") { Description = "Folder for the results (default: the current folder)", HelpName = "DIR" };
        var noWait = new Option<bool>("--no-wait") { Description = "Print the taskId and exit once the task is submitted" };
        var timeout = new Option<double>("--timeout")
        {
            Description = "Seconds to wait for the task before exiting with code 3 (the task goes on)",
            HelpName = "SECONDS",
            DefaultValueFactory = _ => DefaultTimeoutSeconds,
        };
        var interval = new Option<double>("--interval")
        {
            Description = "Seconds between two polls of the task",
            HelpName = "SECONDS",
            DefaultValueFactory = _ => DefaultIntervalSeconds,
        };

        var command = new Command("run", "Run a model: upload local files, submit, wait with progress, download the results")
        {
            endpoint, parameters, files, output, json, noWait, timeout, interval,
        };
        connection.AddTo(command);
        command.SetAction((parse, cancellationToken) => ClientAction.RunAsync(async () =>
        {
            var wait = new WaitOptions
            {
                Timeout = Seconds(parse.GetValue(timeout), "--timeout"),
                PollInterval = Seconds(parse.GetValue(interval), "--interval"),
            };
            var request = RunRequest.Parse(parse.GetValue(parameters) ?? [], parse.GetValue(files) ?? []);
            using var client = connection.Open(parse);
            var run = new Run(client, parse.GetValue(endpoint)!.Trim().Trim('/'), request, cancellationToken);
            var task = await run.SubmitAsync(parse.GetValue(json));
            if (task is null) return ClientExitCodes.Failed;
            if (parse.GetValue(noWait))
            {
                Run.PrintTaskId(task, parse.GetValue(json));
                return ClientExitCodes.Ok;
            }
            return await run.WaitAndSaveAsync(task, wait, parse.GetValue(output), parse.GetValue(json));
        }, cancellationToken));
        return command;
    }

    private static TimeSpan Seconds(double value, string option) =>
        double.IsFinite(value) && value > 0 && value <= TimeSpan.MaxValue.TotalSeconds / 2
            ? TimeSpan.FromSeconds(value)
            : throw new UsageException($"{option}: {value} is not a positive number of seconds");

    /// <summary>One run of a request against one server.</summary>
    private sealed class Run(RunHubClient client, string endpoint, RunRequest request, CancellationToken cancellationToken)
    {
        /// <summary>Validates, uploads and submits; null when the task was created but failed at once (reported).</summary>
        public async Task<RunHubTask?> SubmitAsync(bool json)
        {
            var model = await ModelSchema.FindAsync(client, endpoint, cancellationToken);
            var problems = request.Problems(model);
            if (problems.Count > 0) throw new UsageException([.. problems, "nothing was uploaded or submitted"]);

            var urls = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var path in request.Files)
                urls[path] = (await client.UploadAsync(path, cancellationToken)).DownloadUrl;
            try
            {
                return await client.SubmitAsync(endpoint, request.Body(model, path => urls[path]), cancellationToken: cancellationToken);
            }
            catch (RunHubException e) when (e.TaskState is not null)
            {
                // The task exists but failed at once; a refusal (no task) is reported as any SDK error.
                TaskFailed(e, json);
                return null;
            }
        }

        public async Task<int> WaitAndSaveAsync(RunHubTask submitted, WaitOptions wait, string? outputFolder, bool json)
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
        public static void TaskFailed(RunHubException e, bool json)
        {
            if (json && e.TaskState is not null) ClientJson.Print(e.TaskState.Raw);
            ClientAction.Error($"task {e.TaskId} failed: {e.ErrorCode} {e.ErrorMessage}");
        }

        /// <summary>
        /// The task to resume, on stdout: its id, or with --json its last known object (a bare 19-digit id would
        /// read as a JSON number and lose digits).
        /// </summary>
        public static void PrintTaskId(RunHubTask task, bool json)
        {
            if (json) ClientJson.Print(task.Raw);
            else Console.Out.WriteLine(task.TaskId);
        }
    }
}
