using System.Collections.Concurrent;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using RunHub.Tests.Media.Support;

namespace RunHub.Tests.Engines.OpenAiImages.Support;

/// <summary>
/// A protocol-faithful stand-in for OpenAI's images API on a loopback port, built from its API reference:
/// <c>POST /v1/images/edits</c> (multipart, <c>image[]</c> parts), <c>POST /v1/images/generations</c> (JSON),
/// <c>GET /v1/models</c>, Bearer keys, OpenAI's error shape, and real images of the requested size and format.
/// Requests are checked the way the API checks them (key, then fields) before the next scripted reply is used;
/// with nothing scripted it answers with a base64 image. Image URLs it hands out are served under <c>/files/</c>.
/// </summary>
internal sealed class FakeOpenAiImages : IAsyncDisposable
{
    private readonly LoopbackServer _server;
    private readonly ConcurrentQueue<FakeReply> _script = new();
    private readonly ConcurrentQueue<FakeImagesRequest> _received = new();
    private readonly ConcurrentQueue<byte[]> _produced = new();
    private readonly ConcurrentDictionary<string, byte[]> _files = new();
    private int _fileDownloadsWithAuthorization;
    private int _fileDownloads;

    private FakeOpenAiImages(LoopbackServer server, string apiKey)
    {
        _server = server;
        ApiKey = apiKey;
    }

    /// <summary>The key this fake accepts; shaped like OpenAI's project keys.</summary>
    public string ApiKey { get; }

    /// <summary>The server's root, as a catalog's <c>settings.server</c> names it.</summary>
    public string Url => _server.Url("").TrimEnd('/');

    /// <summary>Images requests that passed the key check and could be read (valid or not), in arrival order.</summary>
    public IReadOnlyList<FakeImagesRequest> Received => _received.ToList();

    /// <summary>The images this fake sent back (decoded), in order.</summary>
    public IReadOnlyList<byte[]> Produced => _produced.ToList();

    public int FileDownloads => Volatile.Read(ref _fileDownloads);
    public int FileDownloadsWithAuthorization => Volatile.Read(ref _fileDownloadsWithAuthorization);

    /// <summary>Completes when a scripted hang is cut off by the client (the request was aborted).</summary>
    public TaskCompletionSource HangAborted { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Completes when a request starts a scripted hang.</summary>
    public TaskCompletionSource HangStarted { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <param name="apiKey">The key to accept (e.g. another fake's, for two backends sharing one account); by default a new one.</param>
    public static async Task<FakeOpenAiImages> StartAsync(string? apiKey = null)
    {
        var key = apiKey ?? "sk-proj-" + Guid.NewGuid().ToString("N") + Guid.NewGuid().ToString("N")[..8];
        FakeOpenAiImages? fake = null;
        var server = await LoopbackServer.StartAsync(context => fake!.HandleAsync(context));
        fake = new FakeOpenAiImages(server, key);
        return fake;
    }

    /// <summary>Replies for the next requests, one each, in order; the default (a base64 image) after them.</summary>
    public void Script(params FakeReply[] replies)
    {
        foreach (var reply in replies) _script.Enqueue(reply);
    }

    /// <summary>Stores an image to be served at <c>/files/{name}</c> and returns its URL.</summary>
    public string Host(string name, byte[] bytes)
    {
        _files[name] = bytes;
        return $"{Url}/files/{name}";
    }

    internal void RecordProduced(byte[] image) => _produced.Enqueue(image);

    private async Task HandleAsync(HttpContext context)
    {
        var path = context.Request.Path.Value ?? "";
        if (HttpMethods.IsGet(context.Request.Method) && path.StartsWith("/files/", StringComparison.Ordinal))
        {
            await ServeFileAsync(context, path["/files/".Length..]);
            return;
        }
        if (!AuthorizationIsValid(context, out var refusal))
        {
            await FakeReply.Error(401, "invalid_request_error", refusal.Code, refusal.Message).WriteAsync(context, this, null);
            return;
        }
        if (HttpMethods.IsGet(context.Request.Method) && path == "/v1/models")
        {
            await context.Response.WriteAsJsonAsync(new { @object = "list", data = new[] { new { id = "gpt-image-1.5", @object = "model" } } });
            return;
        }
        var isEdit = path == "/v1/images/edits";
        if (!HttpMethods.IsPost(context.Request.Method) || !(isEdit || path == "/v1/images/generations"))
        {
            await FakeReply.Error(404, "invalid_request_error", "unknown_url", $"Invalid URL ({context.Request.Method} {path})").WriteAsync(context, this, null);
            return;
        }

        var (request, problem) = await FakeImagesRequest.ReadAsync(context, isEdit);
        if (request is not null) _received.Enqueue(request);
        if (problem is not null)
        {
            await problem.WriteAsync(context, this, request);
            return;
        }
        var reply = _script.TryDequeue(out var next) ? next : FakeReply.B64();
        await reply.WriteAsync(context, this, request);
    }

    private bool AuthorizationIsValid(HttpContext context, out (string? Code, string Message) refusal)
    {
        var header = context.Request.Headers.Authorization.ToString();
        if (!header.StartsWith("Bearer ", StringComparison.Ordinal))
        {
            refusal = (null, "You didn't provide an API key. You need to provide your API key in an Authorization header using Bearer auth (i.e. Authorization: Bearer YOUR_KEY).");
            return false;
        }
        var given = header["Bearer ".Length..].Trim();
        if (given == ApiKey)
        {
            refusal = default;
            return true;
        }
        // As OpenAI does: the refused key is echoed back, partly masked.
        var masked = given.Length > 8 ? given[..6] + new string('*', given.Length - 10) + given[^4..] : "****";
        refusal = ("invalid_api_key", $"Incorrect API key provided: {masked}. You can find your API key at https://platform.openai.com/account/api-keys.");
        return false;
    }

    private async Task ServeFileAsync(HttpContext context, string name)
    {
        Interlocked.Increment(ref _fileDownloads);
        if (context.Request.Headers.ContainsKey("Authorization")) Interlocked.Increment(ref _fileDownloadsWithAuthorization);
        if (name == "endless.png")
        {
            // A link to a file that never ends: the client must stop reading, not the server.
            context.Response.ContentType = "image/png";
            await FakeReply.StreamUntilAbortedAsync(context, [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A], (byte)'A');
            return;
        }
        if (!_files.TryGetValue(name, out var bytes))
        {
            context.Response.StatusCode = 404;
            return;
        }
        context.Response.ContentType = "image/png";
        await context.Response.Body.WriteAsync(bytes);
    }

    public async ValueTask DisposeAsync() => await _server.DisposeAsync();

    internal static JsonSerializerOptions Json { get; } = new() { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };
}
