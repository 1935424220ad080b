using System.Collections.Concurrent;
using System.Threading.Channels;
using Microsoft.AspNetCore.Http;
using RunHub.Tests.Media.Support;

namespace RunHub.Tests.Webhooks;

/// <summary>
/// A webhook receiver on a loopback port: records every request (headers and body, in order) and answers each with the
/// next scripted answer (200 once the script is used up). An answer of 0 holds the request open until the receiver is
/// disposed (a receiver that never answers).
/// </summary>
internal sealed class WebhookReceiver : IAsyncDisposable
{
    private readonly LoopbackServer _server;
    private readonly Channel<Received> _received = Channel.CreateUnbounded<Received>();
    private readonly ConcurrentQueue<int> _answers = new();
    private readonly CancellationTokenSource _closing = new();

    private WebhookReceiver(LoopbackServer server) => _server = server;

    public sealed record Received(string Id, string Timestamp, string Signature, string Body, IHeaderDictionary Headers);

    public string Url => _server.Url("/hooks/runhub");

    public int Requests => _server.Requests;

    public static async Task<WebhookReceiver> StartAsync(params int[] answers)
    {
        WebhookReceiver? receiver = null;
        var server = await LoopbackServer.StartAsync(async context => await receiver!.HandleAsync(context));
        receiver = new WebhookReceiver(server);
        foreach (var answer in answers) receiver._answers.Enqueue(answer);
        return receiver;
    }

    /// <summary>Answers the next requests with these statuses (after any still scripted).</summary>
    public void Then(params int[] answers)
    {
        foreach (var answer in answers) _answers.Enqueue(answer);
    }

    /// <summary>The next request received, waiting up to <paramref name="timeout"/> (default 30 s).</summary>
    public async Task<Received> NextAsync(TimeSpan? timeout = null)
    {
        using var wait = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(30));
        try
        {
            return await _received.Reader.ReadAsync(wait.Token);
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException($"no webhook arrived within {(timeout ?? TimeSpan.FromSeconds(30)).TotalSeconds} s");
        }
    }

    /// <summary>True when no further request is waiting to be read.</summary>
    public bool NothingMore => !_received.Reader.TryPeek(out _);

    private async Task HandleAsync(HttpContext context)
    {
        using var reader = new StreamReader(context.Request.Body);
        var body = await reader.ReadToEndAsync();
        var headers = new HeaderDictionary();
        foreach (var (name, value) in context.Request.Headers) headers[name] = value;
        await _received.Writer.WriteAsync(new Received(headers["webhook-id"].ToString(), headers["webhook-timestamp"].ToString(),
            headers["webhook-signature"].ToString(), body, headers));
        var answer = _answers.TryDequeue(out var scripted) ? scripted : 200;
        if (answer == 0)
        {
            try { await Task.Delay(Timeout.Infinite, _closing.Token); } catch (OperationCanceledException) { }
            return;
        }
        context.Response.StatusCode = answer;
        if (answer is >= 300 and < 400) context.Response.Headers.Location = Url + "/moved";
        await context.Response.WriteAsync(answer == 200 ? "thanks" : $"answer {answer}");
    }

    public async ValueTask DisposeAsync()
    {
        await _closing.CancelAsync();
        await _server.DisposeAsync();
        _closing.Dispose();
    }
}
