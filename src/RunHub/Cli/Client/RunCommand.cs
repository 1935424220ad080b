using System.CommandLine;
using RunHub.Client;

namespace RunHub.Cli.Client;

/// <summary>
/// <c>runhub run ENDPOINT -p key=value -f field=path</c>: validate locally, upload, submit, wait with progress,
/// download the results. Stdout carries only what a script reads (result paths, the task JSON, or a taskId).
/// </summary>
internal static class RunCommand
{
    public static Command Create(ClientConnection connection)
    {
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
        var run = new TaskRunOptions();

        var command = new Command("run", "Run a model: upload local files, submit, wait with progress, download the results") { endpoint, parameters, files };
        run.AddTo(command);
        connection.AddTo(command);
        command.SetAction((parse, cancellationToken) => ClientAction.RunAsync(async () =>
        {
            var wait = run.Wait(parse);
            var request = RunRequest.Parse(parse.GetValue(parameters) ?? [], parse.GetValue(files) ?? []);
            using var client = connection.Open(parse);
            var model = parse.GetValue(endpoint)!.Trim().Trim('/');
            return await run.SubmitAndFinishAsync(parse, client, wait, () => SubmitAsync(client, model, request, cancellationToken), cancellationToken);
        }, cancellationToken));
        return command;
    }

    /// <summary>Validates against the model's schema (when the server lists it), uploads, submits.</summary>
    private static async Task<RunHubTask> SubmitAsync(RunHubClient client, string endpoint, RunRequest request, CancellationToken cancellationToken)
    {
        var model = await ModelSchema.FindAsync(client, endpoint, cancellationToken);
        var problems = request.Problems(model);
        if (problems.Count > 0) throw new UsageException([.. problems, "nothing was uploaded or submitted"]);

        var urls = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var path in request.Files)
            urls[path] = (await client.UploadAsync(path, cancellationToken)).DownloadUrl;
        return await client.SubmitAsync(endpoint, request.Body(model, path => urls[path]), cancellationToken: cancellationToken);
    }
}
