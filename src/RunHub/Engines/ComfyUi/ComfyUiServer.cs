using RunHub.Client;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using RunHub.Api;
using RunHub.Media;

namespace RunHub.Engines.ComfyUi;

/// <summary>
/// The HTTP side of one ComfyUI server (its <c>server.py</c> routes). Every failure becomes an
/// <see cref="EngineException"/>: a server that cannot be reached, times out or answers 5xx is retryable (another
/// server of the pool may do it); an answer that is not ComfyUI's JSON is not.
/// </summary>
internal sealed class ComfyUiServer(HttpClient http, ComfyUiSettings settings)
{
    private const long MaxJsonBytes = 32L * 1024 * 1024;

    public Uri BaseUrl => settings.Server;

    /// <summary><c>POST /upload/image</c> (multipart <c>image</c>, <c>type=input</c>, <c>overwrite=false</c>); the name LoadImage takes.</summary>
    public Task<string> UploadAsync(byte[] data, string fileName, string contentType, CancellationToken cancellationToken) =>
        Timed("upload/image", cancellationToken, token => UploadCoreAsync(data, fileName, contentType, token));

    private async Task<string> UploadCoreAsync(byte[] data, string fileName, string contentType, CancellationToken cancellationToken)
    {
        using var answer = await JsonAsync(HttpMethod.Post, "upload/image", () =>
        {
            var form = new MultipartFormDataContent();
            var file = new ByteArrayContent(data);
            file.Headers.ContentType = new MediaTypeHeaderValue(contentType);
            form.Add(file, "image", fileName);
            form.Add(new StringContent("input"), "type");
            // Names are content hashes: ComfyUI keeps a file of the name with the same bytes and answers its name, without
            // writing it again (a rewrite truncates the file first, under another task's LoadImage reading it at that
            // moment), and saves different bytes under the name it answers ("name (1).png"), never over the file.
            form.Add(new StringContent("false"), "overwrite");
            return form;
        }, cancellationToken);
        var root = answer.RootElement;
        if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("name", out var name) || name.ValueKind != JsonValueKind.String)
            throw Malformed("upload/image", "no \"name\" in the answer");
        var subfolder = root.TryGetProperty("subfolder", out var sub) && sub.ValueKind == JsonValueKind.String ? sub.GetString() : "";
        return string.IsNullOrEmpty(subfolder) ? name.GetString()! : $"{subfolder}/{name.GetString()}";
    }

    /// <summary>
    /// <c>POST /prompt</c>; the id ComfyUI answers, which is the one to follow: 0.3.44 and older ignore the client's
    /// <c>prompt_id</c> and choose their own. A 400 is ComfyUI refusing the graph (its <c>error</c> and
    /// <c>node_errors</c>), never retried.
    /// </summary>
    public Task<string> SubmitAsync(string graphJson, string clientId, string promptId, CancellationToken cancellationToken) =>
        Timed("prompt", cancellationToken, token => SubmitCoreAsync(graphJson, clientId, promptId, token));

    private async Task<string> SubmitCoreAsync(string graphJson, string clientId, string promptId, CancellationToken cancellationToken)
    {
        var body = $"{{\"prompt\":{graphJson},\"client_id\":{JsonSerializer.Serialize(clientId)},\"prompt_id\":{JsonSerializer.Serialize(promptId)}}}";
        using var response = await SendAsync(HttpMethod.Post, "prompt", () => new StringContent(body, Encoding.UTF8, "application/json"), cancellationToken);
        var text = await ReadTextAsync(response, "prompt", cancellationToken);
        if (response.StatusCode == HttpStatusCode.BadRequest) throw PromptRefusal.From(text);
        Check(response, "prompt", text);
        using var answer = Parse(text, "prompt");
        if (answer.RootElement.ValueKind != JsonValueKind.Object || !answer.RootElement.TryGetProperty("prompt_id", out var answered)
            || answered.ValueKind != JsonValueKind.String || answered.GetString() is not { Length: > 0 } id)
            throw Malformed("prompt", "no \"prompt_id\" in the answer");
        return id;
    }

    /// <summary><c>GET /history/{id}</c>: the entry once the prompt finished, null while it is queued, running or unknown.</summary>
    public Task<HistoryEntry?> HistoryAsync(string promptId, CancellationToken cancellationToken) =>
        Timed("history", cancellationToken, token => HistoryCoreAsync(promptId, token));

    private async Task<HistoryEntry?> HistoryCoreAsync(string promptId, CancellationToken cancellationToken)
    {
        using var answer = await JsonAsync(HttpMethod.Get, "history/" + Uri.EscapeDataString(promptId), null, cancellationToken);
        if (answer.RootElement.ValueKind != JsonValueKind.Object) throw Malformed("history", "not a JSON object");
        return answer.RootElement.TryGetProperty(promptId, out var entry) ? HistoryEntry.Read(entry) : null;
    }

    /// <summary><c>GET /queue</c>: whether the prompt runs, else its place among the pending ones (1 = next), else null.</summary>
    public Task<(bool Running, int? Position)> QueueAsync(string promptId, CancellationToken cancellationToken) =>
        Timed("queue", cancellationToken, token => QueueCoreAsync(promptId, token));

    private async Task<(bool Running, int? Position)> QueueCoreAsync(string promptId, CancellationToken cancellationToken)
    {
        using var answer = await JsonAsync(HttpMethod.Get, "queue", null, cancellationToken);
        var root = answer.RootElement;
        if (root.ValueKind != JsonValueKind.Object) throw Malformed("queue", "not a JSON object");
        bool Holds(JsonElement item) => item.ValueKind == JsonValueKind.Array && item.GetArrayLength() > 1
            && item[1].ValueKind == JsonValueKind.String && item[1].GetString() == promptId;
        if (root.TryGetProperty("queue_running", out var running) && running.ValueKind == JsonValueKind.Array
            && running.EnumerateArray().Any(Holds))
            return (true, 0);
        if (root.TryGetProperty("queue_pending", out var pending) && pending.ValueKind == JsonValueKind.Array)
        {
            // Pending items run in order of their number (item[0]), not in list order.
            var ordered = pending.EnumerateArray().Where(i => i.ValueKind == JsonValueKind.Array && i.GetArrayLength() > 1)
                .OrderBy(i => i[0].ValueKind == JsonValueKind.Number ? i[0].GetDouble() : double.MaxValue).ToList();
            var index = ordered.FindIndex(Holds);
            if (index >= 0) return (false, index + 1);
        }
        return (false, null);
    }

    /// <summary>
    /// <c>GET /view</c> of one output file, refused past the per-file limit while it streams.
    /// </summary>
    /// <exception cref="OutputGoneException">ComfyUI has no such file (404).</exception>
    public Task<byte[]> ViewAsync(OutputRef file, long maxBytes, CancellationToken cancellationToken) =>
        Timed("view", cancellationToken, token => ViewCoreAsync(file, maxBytes, token));

    private async Task<byte[]> ViewCoreAsync(OutputRef file, long maxBytes, CancellationToken cancellationToken)
    {
        var query = $"view?filename={Uri.EscapeDataString(file.FileName)}&subfolder={Uri.EscapeDataString(file.Subfolder)}&type={Uri.EscapeDataString(file.Type)}";
        using var response = await SendAsync(HttpMethod.Get, query, null, cancellationToken);
        // A prompt answered from ComfyUI's cache points at the file an earlier run saved, which may have been deleted.
        if (response.StatusCode == HttpStatusCode.NotFound) throw new OutputGoneException(file);
        if (!response.IsSuccessStatusCode) Check(response, "view", await ReadTextAsync(response, "view", cancellationToken));
        try
        {
            await using var stream = await response.Content.ReadAsStreamAsync(cancellationToken);
            return await new SizeLimit(maxBytes / 1024d / 1024d).ReadAllAsync(stream, response.Content.Headers.ContentLength, cancellationToken);
        }
        catch (Exception e) when (e is HttpRequestException or IOException)
        {
            throw Unreachable(e.Message);
        }
        catch (FetchRefusedException)
        {
            throw new EngineException(RunHubErrorCodes.UpstreamError,
                $"ComfyUI output {file.FileName} is larger than the limit of {maxBytes / (1024 * 1024)} MB (settings.maxOutputMb)");
        }
    }

    /// <summary>
    /// Stops one prompt and nothing else: <c>POST /queue {delete: [id]}</c> drops it if it still waits, and only when
    /// <c>GET /queue</c> then shows it running is <c>POST /interrupt {prompt_id}</c> sent. ComfyUI 0.3.56 and older
    /// ignore the id in <c>/interrupt</c> and stop whatever runs, so an interrupt for a waiting prompt would stop
    /// someone else's.
    /// </summary>
    public Task StopAsync(string promptId, CancellationToken cancellationToken) =>
        Timed("interrupt", cancellationToken, async token => { await StopCoreAsync(promptId, token); return true; });

    private async Task StopCoreAsync(string promptId, CancellationToken cancellationToken)
    {
        var id = JsonSerializer.Serialize(promptId);
        using (await SendAsync(HttpMethod.Post, "queue", () => new StringContent($"{{\"delete\":[{id}]}}", Encoding.UTF8, "application/json"), cancellationToken)) { }
        var (running, _) = await QueueCoreAsync(promptId, cancellationToken);
        if (!running) return;
        using (await SendAsync(HttpMethod.Post, "interrupt", () => new StringContent($"{{\"prompt_id\":{id}}}", Encoding.UTF8, "application/json"), cancellationToken)) { }
    }

    /// <summary><c>GET /system_stats</c>: <c>system.comfyui_version</c>, or null when the server does not say.</summary>
    public Task<string?> VersionAsync(CancellationToken cancellationToken) =>
        Timed("system_stats", cancellationToken, VersionCoreAsync);

    private async Task<string?> VersionCoreAsync(CancellationToken cancellationToken)
    {
        using var answer = await JsonAsync(HttpMethod.Get, "system_stats", null, cancellationToken);
        var root = answer.RootElement;
        if (root.ValueKind != JsonValueKind.Object) throw Malformed("system_stats", "not a JSON object");
        return root.TryGetProperty("system", out var system) ? HistoryEntry.Text(system, "comfyui_version") : null;
    }

    private async Task<JsonDocument> JsonAsync(HttpMethod method, string path, Func<HttpContent>? content, CancellationToken cancellationToken)
    {
        using var response = await SendAsync(method, path, content, cancellationToken);
        var text = await ReadTextAsync(response, path, cancellationToken);
        Check(response, path, text);
        return Parse(text, path);
    }

    private async Task<HttpResponseMessage> SendAsync(HttpMethod method, string path, Func<HttpContent>? content, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(method, new Uri(settings.Server, path)) { Content = content?.Invoke() };
        if (ApiKey() is { } key) request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key);
        try
        {
            return await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        }
        catch (HttpRequestException e)
        {
            throw Unreachable(e.Message);
        }
    }

    /// <summary>One exchange (request and body) under <see cref="ComfyUiSettings.RequestTimeout"/>; a server past it is retryable.</summary>
    private async Task<T> Timed<T>(string path, CancellationToken cancellationToken, Func<CancellationToken, Task<T>> exchange)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(settings.RequestTimeout);
        try
        {
            return await exchange(timeout.Token);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new EngineException(RunHubErrorCodes.UpstreamError,
                $"ComfyUI at {settings.Server} did not answer /{Route(path)} within {settings.RequestTimeout.TotalSeconds:0} s", retryable: true);
        }
    }

    public string? ApiKey() => settings.ApiKeyEnv is { Length: > 0 } name && Environment.GetEnvironmentVariable(name) is { Length: > 0 } key ? key : null;

    public EngineException Unreachable(string why) =>
        new(RunHubErrorCodes.UpstreamError, $"ComfyUI at {settings.Server} is unreachable: {why}", retryable: true);

    private async Task<string> ReadTextAsync(HttpResponseMessage response, string path, CancellationToken cancellationToken)
    {
        try
        {
            await using var stream = await response.Content.ReadAsStreamAsync(cancellationToken);
            var bytes = await new SizeLimit(MaxJsonBytes / 1024d / 1024d).ReadAllAsync(stream, response.Content.Headers.ContentLength, cancellationToken);
            return Encoding.UTF8.GetString(bytes);
        }
        catch (FetchRefusedException)
        {
            throw Malformed(path, $"the answer is larger than {MaxJsonBytes / (1024 * 1024)} MB");
        }
        catch (Exception e) when (e is HttpRequestException or IOException)
        {
            throw Unreachable(e.Message);
        }
    }

    private void Check(HttpResponseMessage response, string path, string text)
    {
        if (response.IsSuccessStatusCode) return;
        var status = (int)response.StatusCode;
        var detail = text.Length > 200 ? text[..200] + "…" : text;
        throw new EngineException(RunHubErrorCodes.UpstreamError, $"ComfyUI answered /{Route(path)} with HTTP {status}: {detail}".TrimEnd(' ', ':'),
            retryable: status >= 500 || status == 429);
    }

    private JsonDocument Parse(string text, string path)
    {
        try
        {
            return JsonDocument.Parse(text);
        }
        catch (JsonException)
        {
            throw Malformed(path, "not JSON");
        }
    }

    private EngineException Malformed(string path, string problem) =>
        new(RunHubErrorCodes.UpstreamError, $"ComfyUI at {settings.Server} answered /{Route(path)} with something that is not its API: {problem}");

    private static string Route(string path) => path.Split('?', '/')[0];
}
