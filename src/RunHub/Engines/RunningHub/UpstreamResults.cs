using RunHub.Client;
using RunHub.Files;
using RunHub.Media;

namespace RunHub.Engines.RunningHub;

/// <summary>
/// Takes a finished upstream task's results into RunHub: each result URL is downloaded (bounded in size and
/// time, through the same guard against internal addresses as inputs, since the URLs come from outside) so the
/// runner can store the bytes before the upstream links expire; text results stay text.
/// </summary>
internal sealed class UpstreamResults(HttpDownloader downloader, RunningHubSettings settings, UpstreamFailures failures)
{
    public async Task<IReadOnlyList<OutputFile>> DownloadAsync(RunHubTask task, CancellationToken cancellationToken)
    {
        if (task.Results.Count == 0) throw failures.Malformed($"upstream task {task.TaskId} succeeded without results");
        var files = new List<OutputFile>();
        for (var i = 0; i < task.Results.Count; i++)
        {
            var result = task.Results[i];
            if (string.IsNullOrWhiteSpace(result.Url))
            {
                if (result.Text is null) throw failures.Malformed($"result {i} of upstream task {task.TaskId} has neither a url nor a text");
                files.Add(new OutputFile("txt", null, result.Text));
                continue;
            }
            var data = await DownloadOneAsync(task.TaskId, i, result.Url, cancellationToken);
            files.Add(new OutputFile(ExtensionOf(result), data, result.Text));
        }
        return files;
    }

    private async Task<byte[]> DownloadOneAsync(string taskId, int index, string url, CancellationToken cancellationToken)
    {
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || !HttpDownloader.IsHttp(uri))
            throw failures.Malformed($"result {index} of upstream task {taskId} is not an http(s) URL");
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(settings.DownloadTimeout);
        try
        {
            return await downloader.DownloadAsync(uri, new SizeLimit(settings.MaxResultMb), deadline.Token);
        }
        catch (FetchRefusedException e)
        {
            // Not retried as a new upstream task: that one is done and charged; only its file could not be taken.
            throw new EngineException(RunHubErrorCodes.UpstreamError, $"result {index} of upstream task {taskId} could not be downloaded: {failures.Clean(e.Message)}");
        }
        catch (OperationCanceledException) when (deadline.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            throw new EngineException(RunHubErrorCodes.UpstreamError,
                $"result {index} of upstream task {taskId} did not download within {settings.DownloadTimeout.TotalSeconds:0} s");
        }
    }

    /// <summary>The result's extension: its outputType, else the URL's, else <c>bin</c>; only short alphanumeric ones.</summary>
    internal static string ExtensionOf(TaskResult result)
    {
        foreach (var candidate in new[] { result.OutputType, UrlExtension(result.Url) })
            if (FileKey.Extension(candidate) is { } extension) return extension == "jpeg" ? "jpg" : extension;
        return "bin";
    }

    private static string? UrlExtension(string? url) =>
        Uri.TryCreate(url, UriKind.Absolute, out var uri) ? Path.GetExtension(uri.AbsolutePath) : null;
}
