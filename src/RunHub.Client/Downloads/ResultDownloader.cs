using System.Globalization;

namespace RunHub.Client;

/// <summary>
/// Saves a task's results as files, with transient failures retried like API reads. File names are made from what
/// the server sent (task id, output type), so each is checked first: a server, or anyone between it and the
/// client, must not be able to write outside the folder the caller named.
/// </summary>
internal sealed class ResultDownloader(HttpClient http, RunHubClientOptions options, ServerAddress server)
{
    public async Task<IReadOnlyList<string>> DownloadAsync(RunHubTask task, string folder, CancellationToken cancellationToken)
    {
        var stem = task.TaskId.Length > 0 ? SafeFileNames.Stem(task.TaskId) : "result";
        try
        {
            Directory.CreateDirectory(folder);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new RunHubException(RunHubErrorCodes.LocalFile, $"folder {folder} cannot be created: {e.Message}", task.TaskId, e);
        }
        var paths = new List<string>();
        for (var index = 0; index < task.Results.Count; index++)
        {
            var result = task.Results[index];
            var baseName = SafeFileNames.Inside(folder, $"{stem}-{index.ToString(CultureInfo.InvariantCulture)}", stem);
            if (result.Url is null)
            {
                if (result.Text is null) continue;
                var textPath = baseName + ".txt";
                await File.WriteAllTextAsync(textPath, result.Text, cancellationToken).ConfigureAwait(false);
                paths.Add(textPath);
                continue;
            }
            paths.Add(await DownloadOneAsync(server.Resolve(result.Url), result.OutputType, baseName, task.TaskId, cancellationToken).ConfigureAwait(false));
        }
        return paths;
    }

    private async Task<string> DownloadOneAsync(Uri url, string? outputType, string baseName, string taskId, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            RunHubException failure;
            TimeSpan? retryAfter = null;
            using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            deadline.CancelAfter(options.RequestTimeout);
            try
            {
                // No API key here: result URLs are public links, often on another host (a CDN), which must not see it.
                using var response = await http.GetAsync(url, HttpCompletionOption.ResponseHeadersRead, deadline.Token).ConfigureAwait(false);
                if (response.IsSuccessStatusCode)
                {
                    var extension = MediaTypes.AsExtension(outputType)
                        ?? MediaTypes.AsExtension(Path.GetExtension(url.AbsolutePath))
                        ?? MediaTypes.ExtensionOf(response.Content.Headers.ContentType?.MediaType)
                        ?? "bin";
                    var path = baseName + "." + extension;
                    await SaveAsync(response, path, deadline.Token).ConfigureAwait(false);
                    return path;
                }
                retryAfter = RetryDelays.RetryAfterOf(response);
                var code = RunHubErrorCodes.Http((int)response.StatusCode);
                failure = new RunHubException(code, $"download {url}: HTTP {(int)response.StatusCode}", taskId);
            }
            catch (OperationCanceledException e) when (!cancellationToken.IsCancellationRequested)
            {
                failure = new RunHubException(RunHubErrorCodes.Network, $"download {url}: not done within {options.RequestTimeout.TotalSeconds:0.###} s", taskId, e);
            }
            // A SocketException too: SocketsHttpHandler lets one through bare when the server resets a new connection at once.
            catch (Exception e) when (e is HttpRequestException or IOException or System.Net.Sockets.SocketException)
            {
                failure = new RunHubException(RunHubErrorCodes.Network, $"download {url}: {e.Message}", taskId, e);
            }
            if (!failure.IsRetryable || attempt >= options.MaxAttempts) throw failure;
            await Task.Delay(RetryDelays.After(attempt, options.RetryBaseDelay, options.RetryMaxDelay, retryAfter), cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>A local failure, not a network one: retrying the download cannot help.</summary>
    private static FileStream OpenForWriting(string path)
    {
        try
        {
            return new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None, 81920, useAsync: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new RunHubException(RunHubErrorCodes.LocalFile, $"{path} cannot be written: {e.Message}", innerException: e);
        }
    }

    /// <summary>Writes beside the target and renames, so a broken download never leaves a truncated file under the real name.</summary>
    private static async Task SaveAsync(HttpResponseMessage response, string path, CancellationToken cancellationToken)
    {
        var partial = path + ".part";
        try
        {
            var source = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
            await using (source.ConfigureAwait(false))
            {
                var target = OpenForWriting(partial);
                await using (target.ConfigureAwait(false))
                    await source.CopyToAsync(target, cancellationToken).ConfigureAwait(false);
            }
            File.Move(partial, path, overwrite: true);
        }
        finally
        {
            if (File.Exists(partial)) File.Delete(partial);
        }
    }
}
