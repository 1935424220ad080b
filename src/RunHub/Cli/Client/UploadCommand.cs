using System.CommandLine;

namespace RunHub.Cli.Client;

/// <summary><c>runhub upload FILE</c>: prints the download URL, usable in any media parameter.</summary>
internal static class UploadCommand
{
    public static Command Create(ClientConnection connection)
    {
        var json = new Option<bool>("--json") { Description = "Print the upload's URL, name, type and size as JSON" };
        var file = new Argument<string>("file") { Description = "The local file to upload" };
        var command = new Command("upload", "Upload a file and print its URL for a media parameter") { file, json };
        connection.AddTo(command);
        command.SetAction((parse, cancellationToken) => ClientAction.RunAsync(async () =>
        {
            var path = parse.GetValue(file)!;
            if (!File.Exists(path)) throw new UsageException($"{path}: no such file");
            using var client = connection.Open(parse);
            var uploaded = await client.UploadAsync(path, cancellationToken);
            if (parse.GetValue(json))
                CommandOutput.Json(new { downloadUrl = uploaded.DownloadUrl, fileName = uploaded.FileName, type = uploaded.Type, size = uploaded.Size });
            else
                Console.Out.WriteLine(uploaded.DownloadUrl);
            return ClientExitCodes.Ok;
        }, cancellationToken));
        return command;
    }
}
