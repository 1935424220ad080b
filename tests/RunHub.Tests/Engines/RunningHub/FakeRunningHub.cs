using System.Collections.Concurrent;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace RunHub.Tests.Engines.RunningHub;

/// <summary>
/// A RunningHub site on 127.0.0.1 that speaks the Standard Model API as RunningHub does (Bearer key, the flat task
/// object, the <c>{code, message, data}</c> upload envelope, results served by URL, <c>/task/openapi/cancel</c>),
/// with scripted faults: busy refusals (1520, or HTTP 421 TASK_QUEUE_MAXED), failed tasks, unreadable answers,
/// tasks that never end, oversized results. It records what it was sent.
/// </summary>
internal sealed class FakeRunningHub : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentDictionary<string, FakeTask> _tasks = new();
    private readonly ConcurrentDictionary<string, byte[]> _files = new();
    private long _nextTaskId = 2013508786110730241;

    private FakeRunningHub(WebApplication app) => _app = app;

    /// <summary>The key the fake accepts (32 hex characters, like RunningHub's).</summary>
    public string ApiKey { get; } = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));

    public string Root { get; private set; } = "";

    /// <summary>What the next submits get.</summary>
    public FakeScript Script { get; set; } = new();

    /// <summary>The image every successful task returns.</summary>
    public byte[] ResultImage { get; } = Support.TestImages.Png(64, 96, SkiaSharp.SKColors.Goldenrod);

    public ConcurrentQueue<(string Endpoint, JsonObject Body)> Submits { get; } = new();
    public ConcurrentQueue<(string FileName, byte[] Data)> Uploads { get; } = new();
    public ConcurrentQueue<string> Cancels { get; } = new();
    public ConcurrentQueue<string> BadKeys { get; } = new();
    public int Queries => _queries;
    private int _queries;

    /// <summary>Completes at the first status query: RunHub then holds an upstream task id it can cancel.</summary>
    public Task FirstQuery => _firstQuery.Task;
    private readonly TaskCompletionSource _firstQuery = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public static async Task<FakeRunningHub> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(k => k.Listen(IPAddress.Loopback, 0));
        var app = builder.Build();
        var fake = new FakeRunningHub(app);
        ((IApplicationBuilder)app).Run(fake.HandleAsync);
        await app.StartAsync();
        fake.Root = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single().TrimEnd('/');
        return fake;
    }

    private async Task HandleAsync(HttpContext context)
    {
        var path = context.Request.Path.Value ?? "";
        if (context.Request.Method == "GET" && path.StartsWith("/cdn/", StringComparison.Ordinal))
        {
            await ServeFileAsync(context, path);
            return;
        }
        if (context.Request.Method != "POST")
        {
            context.Response.StatusCode = 405;
            return;
        }
        if (path == "/task/openapi/cancel")
        {
            await CancelAsync(context);
            return;
        }
        if (context.Request.Headers.Authorization.ToString() != "Bearer " + ApiKey)
        {
            BadKeys.Enqueue(context.Request.Headers.Authorization.ToString());
            // RunningHub refuses before any task exists: HTTP 200, no taskId, the error code.
            await WriteJsonAsync(context, path.EndsWith("/media/upload/binary", StringComparison.Ordinal)
                ? new JsonObject { ["code"] = 1002, ["message"] = "invalid api key", ["data"] = null }
                : Refusal("1002", "invalid api key"));
            return;
        }
        switch (path)
        {
            case "/openapi/v2/media/upload/binary":
                await UploadAsync(context);
                return;
            case "/openapi/v2/query":
                await QueryAsync(context);
                return;
        }
        if (path.StartsWith("/openapi/v2/", StringComparison.Ordinal))
        {
            await SubmitAsync(context, path["/openapi/v2/".Length..]);
            return;
        }
        context.Response.StatusCode = 404;
    }

    private async Task SubmitAsync(HttpContext context, string endpoint)
    {
        var body = (JsonNode.Parse(await new StreamReader(context.Request.Body).ReadToEndAsync()) as JsonObject)!;
        Submits.Enqueue((endpoint, body));
        var script = Script;
        if (Interlocked.Decrement(ref script.BusyRefusalsLeft) >= 0)
        {
            if (script.BusyAsHttp421)
            {
                context.Response.StatusCode = 421;
                await WriteJsonAsync(context, new JsonObject { ["code"] = 421, ["msg"] = "TASK_QUEUE_MAXED", ["data"] = null });
            }
            else await WriteJsonAsync(context, Refusal("1520", "concurrency limit reached for this api key"));
            return;
        }
        if (script.Outcome == FakeOutcome.MalformedSubmit)
        {
            context.Response.ContentType = "text/html";
            await context.Response.WriteAsync("<html><body>502 Bad Gateway</body></html>");
            return;
        }
        var id = Interlocked.Increment(ref _nextTaskId).ToString(System.Globalization.CultureInfo.InvariantCulture);
        var task = new FakeTask(id, endpoint, script);
        _tasks[id] = task;
        await WriteJsonAsync(context, TaskObject(task, "QUEUED"));
    }

    private async Task QueryAsync(HttpContext context)
    {
        Interlocked.Increment(ref _queries);
        _firstQuery.TrySetResult();
        using var request = await JsonDocument.ParseAsync(context.Request.Body);
        var id = request.RootElement.GetProperty("taskId").GetString()!;
        if (!_tasks.TryGetValue(id, out var task))
        {
            await WriteJsonAsync(context, Refusal("1004", "task not found"));
            return;
        }
        var polls = Interlocked.Increment(ref task.Polls);
        var script = task.Script;
        if (task.Cancelled)
        {
            await WriteJsonAsync(context, TaskObject(task, "CANCEL"));
            return;
        }
        if (polls <= script.QueuedPolls)
        {
            await WriteJsonAsync(context, TaskObject(task, "QUEUED"));
            return;
        }
        if (polls <= script.QueuedPolls + script.RunningPolls || script.Outcome == FakeOutcome.Hang)
        {
            await WriteJsonAsync(context, TaskObject(task, "RUNNING"));
            return;
        }
        switch (script.Outcome)
        {
            case FakeOutcome.QueryNeverAnswers:
                // Holds the request until the caller gives up on it (or the fake stops).
                try
                {
                    await Task.Delay(Timeout.Infinite, context.RequestAborted);
                }
                catch (OperationCanceledException)
                {
                }
                return;
            case FakeOutcome.MalformedQuery:
                await context.Response.WriteAsync("{\"taskId\": \"" + id + "\", \"status\": ");
                return;
            case FakeOutcome.Fail:
                var failed = TaskObject(task, "FAILED");
                failed["errorCode"] = script.FailCode;
                failed["errorMessage"] = script.FailMessage;
                await WriteJsonAsync(context, failed);
                return;
        }
        var done = TaskObject(task, "SUCCESS");
        done["results"] = script.Outcome switch
        {
            FakeOutcome.Text => new JsonArray(new JsonObject { ["url"] = null, ["outputType"] = "txt", ["text"] = "a caption from upstream" }),
            FakeOutcome.HugeResult => new JsonArray(new JsonObject { ["url"] = $"{Root}/cdn/huge/{id}.png", ["outputType"] = "png", ["text"] = null }),
            _ => new JsonArray(new JsonObject { ["url"] = script.ResultUrl ?? $"{Root}/cdn/results/{id}.png", ["outputType"] = "png", ["text"] = null }),
        };
        done["usage"] = new JsonObject { ["consumeMoney"] = "0.02", ["consumeCoins"] = null, ["taskCostTime"] = "3", ["thirdPartyConsumeMoney"] = "0.02" };
        await WriteJsonAsync(context, done);
    }

    private async Task UploadAsync(HttpContext context)
    {
        var form = await context.Request.ReadFormAsync();
        var file = form.Files.GetFile("file");
        if (file is null)
        {
            await WriteJsonAsync(context, new JsonObject { ["code"] = 1007, ["message"] = "file is required", ["data"] = null });
            return;
        }
        using var buffer = new MemoryStream();
        await file.CopyToAsync(buffer);
        var data = buffer.ToArray();
        Uploads.Enqueue((file.FileName, data));
        var name = $"openapi/{Convert.ToHexStringLower(SHA256.HashData(data))[..32]}{Path.GetExtension(file.FileName)}";
        _files[name] = data;
        await WriteJsonAsync(context, new JsonObject
        {
            ["code"] = 0,
            ["message"] = "success",
            ["data"] = new JsonObject
            {
                ["type"] = "image",
                ["download_url"] = $"{Root}/cdn/{name}",
                ["fileName"] = name,
                ["size"] = data.Length.ToString(System.Globalization.CultureInfo.InvariantCulture),
            },
        });
    }

    private async Task CancelAsync(HttpContext context)
    {
        using var request = await JsonDocument.ParseAsync(context.Request.Body);
        var root = request.RootElement;
        if (!root.TryGetProperty("apiKey", out var key) || key.GetString() != ApiKey)
        {
            await WriteJsonAsync(context, new JsonObject { ["code"] = 802, ["msg"] = "APIKEY_UNAUTHORIZED", ["data"] = null });
            return;
        }
        var id = root.GetProperty("taskId").GetString()!;
        Cancels.Enqueue(id);
        if (_tasks.TryGetValue(id, out var task)) task.Cancelled = true;
        await WriteJsonAsync(context, new JsonObject { ["code"] = 0, ["msg"] = "success", ["data"] = null });
    }

    private async Task ServeFileAsync(HttpContext context, string path)
    {
        if (path.StartsWith("/cdn/results/", StringComparison.Ordinal))
        {
            context.Response.ContentType = "image/png";
            await context.Response.Body.WriteAsync(ResultImage);
            return;
        }
        if (path.StartsWith("/cdn/huge/", StringComparison.Ordinal))
        {
            // Chunked, no Content-Length: the limit must be enforced while reading, not from a header.
            context.Response.ContentType = "image/png";
            var chunk = new byte[64 * 1024];
            for (var sent = 0L; sent < 64L * 1024 * 1024 && !context.RequestAborted.IsCancellationRequested; sent += chunk.Length)
            {
                try
                {
                    await context.Response.Body.WriteAsync(chunk, context.RequestAborted);
                }
                catch (Exception e) when (e is OperationCanceledException or IOException)
                {
                    return;
                }
            }
            return;
        }
        if (_files.TryGetValue(path["/cdn/".Length..], out var data))
        {
            await context.Response.Body.WriteAsync(data);
            return;
        }
        context.Response.StatusCode = 404;
    }

    private static JsonObject TaskObject(FakeTask task, string status) => new()
    {
        ["taskId"] = task.Id,
        ["status"] = status,
        ["errorCode"] = "",
        ["errorMessage"] = "",
        ["results"] = null,
        ["clientId"] = "f828b9af25161bc066ef152db7b29ccc",
        ["promptTips"] = "{\"result\": true, \"error\": null, \"outputs_to_execute\": [\"4\"], \"node_errors\": {}}",
    };

    private static JsonObject Refusal(string code, string message) => new()
    {
        ["taskId"] = "",
        ["status"] = "",
        ["errorCode"] = code,
        ["errorMessage"] = message,
        ["results"] = null,
        ["clientId"] = "",
        ["promptTips"] = "",
    };

    private static Task WriteJsonAsync(HttpContext context, JsonObject body)
    {
        context.Response.ContentType = "application/json";
        return context.Response.WriteAsync(body.ToJsonString(), Encoding.UTF8);
    }

    public async ValueTask DisposeAsync()
    {
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        await _app.StopAsync(stop.Token);
        await _app.DisposeAsync();
    }

    private sealed class FakeTask(string id, string endpoint, FakeScript script)
    {
        public string Id { get; } = id;
        public string Endpoint { get; } = endpoint;
        public FakeScript Script { get; } = script;
        public int Polls;
        public volatile bool Cancelled;
    }
}

internal enum FakeOutcome { Success, Text, Fail, Hang, QueryNeverAnswers, MalformedQuery, MalformedSubmit, HugeResult }

/// <summary>How the fake treats the submits made while this script is in place.</summary>
internal sealed class FakeScript
{
    public FakeOutcome Outcome { get; init; } = FakeOutcome.Success;
    public int QueuedPolls { get; init; } = 1;
    public int RunningPolls { get; init; } = 1;
    public string FailCode { get; init; } = "";
    public string FailMessage { get; init; } = "";
    public bool BusyAsHttp421 { get; init; }

    /// <summary>Where a successful task's result is said to be (default: this fake's own /cdn/results/).</summary>
    public string? ResultUrl { get; init; }

    /// <summary>Submits refused as busy before one is accepted.</summary>
    public int BusyRefusalsLeft;
}
