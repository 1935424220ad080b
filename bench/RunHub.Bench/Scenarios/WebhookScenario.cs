using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using RunHub.Bench.Load;
using RunHub.Bench.Report;
using RunHub.Bench.Servers;
using RunHub.Bench.Stores;

namespace RunHub.Bench.Scenarios;

/// <summary>
/// Webhook deliveries per second to a local receiver: a <c>--role api</c> server (no workers, so the tasks stay queued)
/// gets <c>--webhook-tasks</c> submits with a <c>webhookUrl</c>; then all of them are cancelled at once, which writes
/// each task's delivery into the outbox, and the server's webhook senders post them — signed, in RunningHub's
/// <c>TASK_END</c> body — to a receiver in the bench process that answers 200 at once. The rate is deliveries
/// received per second from the first to the last; the latency is from a task's cancel being answered to its webhook
/// arriving.
/// </summary>
internal static class WebhookScenario
{
    private static readonly TimeSpan DeliveryLimit = TimeSpan.FromMinutes(5);

    public static async Task<ScenarioResult> RunAsync(BenchContext context)
    {
        var options = context.Options;
        await using var receiver = await Receiver.StartAsync();
        await using var database = await context.NewDatabaseAsync("webhooks");
        var account = database.CreateAccount("bench", BenchAccount.HugeBalance);
        var environment = new Dictionary<string, string>(database.ServerEnvironment)
        {
            // The receiver is on loopback, which the SSRF guard refuses by default.
            ["RunHub__Media__AllowPrivateNetworks"] = "true",
        };
        await using var server = await RunHubServer.StartAsync(options.ResolvedRunHubDll, database.DataDir, "api", options.Workers, environment);
        using var client = new BenchClient(server.BaseUrl, account.ApiKey, options.Concurrency);

        var body = JsonSerializer.SerializeToUtf8Bytes(new
        {
            prompt = BenchRequests.Prompt,
            imageUrls = new[] { "https://example.com/bench/input.png" },
            aspectRatio = BenchRequests.AspectRatio,
            webhookUrl = receiver.Url,
        });
        context.Log($"webhooks: {options.WebhookTasks} queued tasks with a webhookUrl, then all cancelled; deliveries to a local receiver");
        var ids = new ConcurrentBag<string>();
        var errors = new LoadSamples();
        await ForEachClientAsync(options.Concurrency, options.WebhookTasks, async _ =>
        {
            var (taskId, error) = await client.SubmitAsync(body);
            if (taskId is null) errors.Error(error!);
            else ids.Add(taskId);
        });

        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(30) };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", account.ApiKey);
        var endedAt = new ConcurrentDictionary<string, long>();
        var queue = new ConcurrentQueue<string>(ids);
        var clock = Stopwatch.StartNew();
        await ForEachClientAsync(options.Concurrency, ids.Count, async _ =>
        {
            if (!queue.TryDequeue(out var taskId)) return;
            using var content = new StringContent($"{{\"taskId\":\"{taskId}\"}}", Encoding.UTF8, "application/json");
            using var response = await http.PostAsync(server.BaseUrl + "/openapi/v2/cancel", content);
            var answer = await response.Content.ReadAsStringAsync();
            if (response.StatusCode == HttpStatusCode.OK && answer.Contains("\"errorCode\":\"\"", StringComparison.Ordinal))
                endedAt[taskId] = Stopwatch.GetTimestamp();
            else errors.Error("cancel: " + answer[..Math.Min(answer.Length, 200)]);
        });
        var cancelSeconds = clock.Elapsed.TotalSeconds;
        var all = await receiver.WaitForAsync(endedAt.Count, DeliveryLimit);
        if (!all) errors.Error($"only {receiver.Count} of {endedAt.Count} webhooks arrived within {DeliveryLimit.TotalMinutes:0} min");

        var arrivals = receiver.Arrivals();
        var first = arrivals.Count > 0 ? arrivals.Min(a => a.At) : 0;
        var last = arrivals.Count > 0 ? arrivals.Max(a => a.At) : 0;
        var seconds = Stopwatch.GetElapsedTime(first, last).TotalSeconds;
        var latencies = arrivals.Where(a => endedAt.ContainsKey(a.TaskId))
            .Select(a => Stopwatch.GetElapsedTime(endedAt[a.TaskId], a.At).TotalMilliseconds);
        var result = new ScenarioResult
        {
            Name = "webhooks",
            Measures = $"{endedAt.Count} TASK_END webhooks (tasks cancelled at once on a --role api server) posted to a local receiver answering 200",
            Unit = "deliveries/s",
            Rate = seconds > 0 ? arrivals.Count / seconds : 0,
            Count = arrivals.Count,
            Errors = errors.Errors,
            Seconds = seconds,
            LatencyOf = "the task's cancel answered → its webhook received",
            Latency = LatencySummary.Of(latencies),
            ErrorMessages = errors.ErrorMessages,
            Details = new Dictionary<string, double>
            {
                ["cancelsPerSecond"] = cancelSeconds > 0 ? endedAt.Count / cancelSeconds : 0,
                ["duplicates"] = arrivals.Count - arrivals.Select(a => a.WebhookId).Distinct().Count(),
            },
        };
        context.Log(ApiScenarios.Line(result));
        return result;
    }

    /// <summary>Runs <paramref name="count"/> calls of <paramref name="call"/> on <paramref name="clients"/> loops at once.</summary>
    private static Task ForEachClientAsync(int clients, int count, Func<int, Task> call)
    {
        var next = -1;
        return Task.WhenAll(Enumerable.Range(0, Math.Max(1, clients)).Select(async _ =>
        {
            int i;
            while ((i = Interlocked.Increment(ref next)) < count) await call(i);
        }));
    }

    /// <summary>A webhook receiver on a loopback port: answers 200 at once and notes when each delivery arrived (Stopwatch ticks).</summary>
    private sealed class Receiver : IAsyncDisposable
    {
        private readonly WebApplication _app;
        private readonly ConcurrentQueue<(string TaskId, string WebhookId, long At)> _arrivals = new();
        private readonly SemaphoreSlim _arrived = new(0, int.MaxValue);

        private Receiver(WebApplication app) => _app = app;

        public string Url { get; private set; } = "";

        public int Count => _arrivals.Count;

        public static async Task<Receiver> StartAsync()
        {
            var builder = WebApplication.CreateSlimBuilder();
            builder.Logging.ClearProviders();
            builder.WebHost.UseKestrel(k => k.Listen(IPAddress.Loopback, 0));
            var app = builder.Build();
            var receiver = new Receiver(app);
            app.MapPost("/hook", receiver.HandleAsync);
            await app.StartAsync();
            receiver.Url = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single().TrimEnd('/') + "/hook";
            return receiver;
        }

        private async Task<IResult> HandleAsync(HttpRequest request)
        {
            using var document = await JsonDocument.ParseAsync(request.Body);
            var taskId = document.RootElement.GetProperty("taskId").GetString() ?? "";
            _arrivals.Enqueue((taskId, request.Headers["webhook-id"].ToString(), Stopwatch.GetTimestamp()));
            _arrived.Release();
            return Results.Ok();
        }

        /// <summary>True once <paramref name="count"/> deliveries have arrived; false when <paramref name="limit"/> passed first.</summary>
        public async Task<bool> WaitForAsync(int count, TimeSpan limit)
        {
            using var stop = new CancellationTokenSource(limit);
            try
            {
                for (var i = 0; i < count; i++) await _arrived.WaitAsync(stop.Token);
                return true;
            }
            catch (OperationCanceledException)
            {
                return false;
            }
        }

        public List<(string TaskId, string WebhookId, long At)> Arrivals() => [.. _arrivals];

        public async ValueTask DisposeAsync()
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
            _arrived.Dispose();
        }
    }
}
