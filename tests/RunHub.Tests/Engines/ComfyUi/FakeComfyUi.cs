using System.Collections.Concurrent;
using System.Net;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace RunHub.Tests.Engines.ComfyUi;

/// <summary>
/// A protocol-faithful stand-in for a ComfyUI server (its <c>server.py</c> routes and the frames of
/// <c>execution.py</c>) on a loopback port: uploads, graph validation with ComfyUI's 400 shape, a one-at-a-time
/// queue, <c>/ws</c> frames, <c>/history</c>, <c>/queue</c>, <c>/view</c>, <c>/interrupt</c>, <c>/system_stats</c>.
/// It "executes" a graph by drawing a real PNG from the uploaded image at the latent's size.
/// </summary>
internal sealed partial class FakeComfyUi : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentDictionary<string, WebSocket> _sockets = new();
    private readonly ConcurrentDictionary<string, JsonObject> _history = new();
    private readonly ConcurrentDictionary<string, byte[]> _outputs = new();
    private readonly object _queueLock = new();
    private readonly List<QueuedPrompt> _pending = [];
    private QueuedPrompt? _running;
    private readonly SemaphoreSlim _work = new(0);
    private readonly CancellationTokenSource _stopping = new();
    private Task _worker = Task.CompletedTask;
    private int _number;
    private int _stopped;

    private FakeComfyUi(WebApplication app) => _app = app;

    public FakeComfyBehaviour Behaviour { get; } = new();
    public string Url { get; private set; } = "";
    public ConcurrentDictionary<string, byte[]> Uploads { get; } = new();
    public ConcurrentQueue<JsonObject> Submitted { get; } = new();

    /// <summary>"path Authorization-header" of every request, the socket's included.</summary>
    public ConcurrentQueue<string> Authorizations { get; } = new();

    public static async Task<FakeComfyUi> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(k => k.Listen(IPAddress.Loopback, 0));
        var app = builder.Build();
        var fake = new FakeComfyUi(app);
        app.Use((context, next) =>
        {
            fake.Authorizations.Enqueue($"{context.Request.Path} {context.Request.Headers.Authorization}");
            return next(context);
        });
        app.UseWebSockets();
        fake.MapRoutes(app);
        await app.StartAsync();
        fake.Url = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single() + "/";
        fake._worker = Task.Run(fake.WorkAsync);
        return fake;
    }

    private sealed record QueuedPrompt(double Number, string PromptId, JsonObject Prompt, string? ClientId, TaskCompletionSource Interrupt)
    {
        public JsonArray Item() => [Number, PromptId, Prompt.DeepClone(), new JsonObject { ["client_id"] = ClientId }, new JsonArray()];
    }

    private void MapRoutes(WebApplication app)
    {
        app.Map("/ws", SocketAsync);
        app.MapPost("/upload/image", (Delegate)UploadAsync);
        app.MapPost("/prompt", (Delegate)PromptAsync);
        app.MapGet("/history/{id}", (string id) => Results.Text(
            _history.TryGetValue(id, out var entry) ? new JsonObject { [id] = entry.DeepClone() }.ToJsonString() : "{}", "application/json"));
        app.MapGet("/queue", () =>
        {
            lock (_queueLock)
                return Results.Text(new JsonObject
                {
                    ["queue_running"] = _running is null ? new JsonArray() : new JsonArray(_running.Item()),
                    ["queue_pending"] = new JsonArray(_pending.Select(p => (JsonNode)p.Item()).ToArray()),
                }.ToJsonString(), "application/json");
        });
        app.MapPost("/queue", async (HttpContext context) =>
        {
            var body = JsonNode.Parse(await new StreamReader(context.Request.Body).ReadToEndAsync())!;
            foreach (var id in body["delete"]?.AsArray() ?? [])
            {
                lock (_queueLock) _pending.RemoveAll(p => p.PromptId == (string)id!);
            }
            return Results.Ok();
        });
        app.MapPost("/interrupt", async (HttpContext context) =>
        {
            var body = JsonNode.Parse(await new StreamReader(context.Request.Body).ReadToEndAsync());
            var id = (string?)body?["prompt_id"];
            lock (_queueLock)
                if (_running is { } running && (id is null || running.PromptId == id)) running.Interrupt.TrySetResult();
            return Results.Ok();
        });
        app.MapGet("/view", ViewAsync);
        app.MapGet("/system_stats", () =>
        {
            var system = new JsonObject { ["os"] = "posix" };
            if (Behaviour.Version is { } version) system["comfyui_version"] = version;
            return Results.Text(new JsonObject { ["system"] = system, ["devices"] = new JsonArray() }.ToJsonString(), "application/json");
        });
    }

    private async Task SocketAsync(HttpContext context)
    {
        if (!context.WebSockets.IsWebSocketRequest)
        {
            context.Response.StatusCode = 400;
            return;
        }
        var sid = context.Request.Query["clientId"].FirstOrDefault() is { Length: > 0 } given ? given : Guid.NewGuid().ToString("N");
        using var socket = await context.WebSockets.AcceptWebSocketAsync();
        _sockets[sid] = socket;
        await SendAsync(sid, "status", new JsonObject { ["status"] = QueueInfo(), ["sid"] = sid });
        var buffer = new byte[1024];
        try
        {
            while (socket.State == WebSocketState.Open)
                if ((await socket.ReceiveAsync(buffer, _stopping.Token)).MessageType == WebSocketMessageType.Close) break;
        }
        catch (Exception e) when (e is WebSocketException or OperationCanceledException)
        {
        }
        finally
        {
            _sockets.TryRemove(new KeyValuePair<string, WebSocket>(sid, socket));
        }
    }

    private async Task<IResult> UploadAsync(HttpContext context)
    {
        var form = await context.Request.ReadFormAsync();
        var image = form.Files["image"];
        if (image is null || string.IsNullOrEmpty(image.FileName)) return Results.StatusCode(400);
        using var data = new MemoryStream();
        await image.CopyToAsync(data);
        var subfolder = form["subfolder"].FirstOrDefault() ?? "";
        var name = image.FileName;
        if (form["overwrite"] != "true" && form["overwrite"] != "1" && Uploads.ContainsKey(Key(subfolder, name)))
            name = Path.GetFileNameWithoutExtension(name) + " (1)" + Path.GetExtension(name);
        Uploads[Key(subfolder, name)] = data.ToArray();
        return Results.Json(new { name, subfolder, type = form["type"].FirstOrDefault() ?? "input" });
    }

    private static string Key(string subfolder, string name) => subfolder.Length == 0 ? name : $"{subfolder}/{name}";

    private async Task<IResult> PromptAsync(HttpContext context)
    {
        var body = JsonNode.Parse(await new StreamReader(context.Request.Body).ReadToEndAsync())!.AsObject();
        Submitted.Enqueue(body);
        if (Behaviour.MalformedPromptAnswer) return Results.Text("<html><body>502 Bad Gateway</body></html>", "text/html");
        if (body["prompt"] is not JsonObject prompt)
            return Results.Json(new { error = new { type = "no_prompt", message = "No prompt provided", details = "No prompt provided", extra_info = new { } }, node_errors = new { } }, statusCode: 400);
        var promptId = (string?)body["prompt_id"] ?? Guid.NewGuid().ToString();
        if (FakeComfyNodes.Validate(prompt, Uploads.ContainsKey) is { } refusal)
            return Results.Text(refusal.ToJsonString(), "application/json", statusCode: 400);
        var number = Interlocked.Increment(ref _number);
        lock (_queueLock) _pending.Add(new QueuedPrompt(number, promptId, prompt, (string?)body["client_id"], new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)));
        _work.Release();
        await SendAsync(null, "status", new JsonObject { ["status"] = QueueInfo() });
        return Results.Json(new { prompt_id = promptId, number, node_errors = new { } });
    }

    private async Task ViewAsync(HttpContext context)
    {
        var name = context.Request.Query["filename"].ToString();
        var key = $"{context.Request.Query["type"]}/{context.Request.Query["subfolder"]}/{name}";
        if (!_outputs.TryGetValue(key, out var data))
        {
            context.Response.StatusCode = 404;
            return;
        }
        context.Response.ContentType = "image/png";
        // Sent in pieces without a length, so only a reader that counts can stop a huge one.
        for (var offset = 0; offset < data.Length; offset += 65536)
            await context.Response.Body.WriteAsync(data.AsMemory(offset, Math.Min(65536, data.Length - offset)));
    }

    private JsonObject QueueInfo()
    {
        lock (_queueLock)
            return new JsonObject { ["exec_info"] = new JsonObject { ["queue_remaining"] = _pending.Count + (_running is null ? 0 : 1) } };
    }

    /// <summary>One frame to one client (sid) or, with null, to all — as <c>PromptServer.send_json</c>.</summary>
    private async Task SendAsync(string? sid, string type, JsonObject data)
    {
        if (Behaviour.SilentSocket) return;
        var bytes = Encoding.UTF8.GetBytes(new JsonObject { ["type"] = type, ["data"] = data }.ToJsonString());
        foreach (var (id, socket) in _sockets)
        {
            if (sid is not null && id != sid) continue;
            try
            {
                await socket.SendAsync(bytes, WebSocketMessageType.Text, true, CancellationToken.None);
            }
            catch (Exception e) when (e is WebSocketException or ObjectDisposedException or IOException)
            {
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync();
        await StopServerAsync();
        await _worker;
        await _app.DisposeAsync();
    }

    private async Task StopServerAsync()
    {
        if (Interlocked.Exchange(ref _stopped, 1) == 1) return;
        foreach (var socket in _sockets.Values) socket.Abort();
        using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        await _app.StopAsync(limit.Token);
    }
}
