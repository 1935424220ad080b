using System.Diagnostics;
using System.Net;
using System.Text;
using Microsoft.Extensions.Options;
using RunHub.Data;
using RunHub.Media;
using RunHub.Observability;
using RunHub.Tasks;

namespace RunHub.Webhooks;

/// <summary>
/// Sends the outbox's deliveries, on every node (<see cref="WebhookOptions.Senders"/> at once), never on a task
/// worker's time. Each send is signed the Standard Webhooks way, goes through the SSRF guard of input fetches (the
/// address is checked after DNS, at connect time), follows no redirect, and waits at most
/// <see cref="WebhookOptions.TimeoutSeconds"/>. A 2xx answer delivers it; 410 stops it; anything else (a timeout, a
/// connection error, 3xx, 4xx, 429, 5xx) is sent again after the next wait of <see cref="WebhookOptions.RetrySchedule"/>,
/// until they are used up. An address the guard refuses fails it at once.
/// </summary>
public sealed class WebhookSender(WebhookDeliveries deliveries, TaskQueue queue, WebhookPayloads payloads, WebhookSecrets secrets,
    TaskEndSignal signal, IOptions<RunHubOptions> options, TimeProvider clock, ILogger<WebhookSender> logger) : BackgroundService
{
    /// <summary>How much of an answer's body is kept for the delivery log.</summary>
    public const int KeptResponseChars = 1024;

    private readonly HttpClient _http = new(new SocketErrorWrappingHandler(GuardedConnector.CreateHandler(new NetworkPolicy(options.Value.Media), GuardedConnector.ResolveWithDns)))
    {
        Timeout = Timeout.InfiniteTimeSpan,
        DefaultRequestHeaders = { { "User-Agent", "RunHub-Webhooks/1.0" } },
    };

    private WebhookOptions Settings => options.Value.Webhooks;

    private readonly IReadOnlyList<TimeSpan> _retryWaits = options.Value.Webhooks.RetryWaits();

    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        Task.WhenAll(Enumerable.Range(0, Math.Max(1, Settings.Senders)).Select(_ => Task.Run(() => LoopAsync(stoppingToken), CancellationToken.None)));

    private async Task LoopAsync(CancellationToken stopping)
    {
        var poll = TimeSpan.FromMilliseconds(Settings.PollMilliseconds);
        // A claim outlives its send: a sender that dies mid-send leaves the delivery due again this much later.
        var claimFor = TimeSpan.FromSeconds(Settings.TimeoutSeconds + 5);
        while (!stopping.IsCancellationRequested)
        {
            try
            {
                var claim = await deliveries.ClaimAsync(claimFor, stopping);
                if (claim is null)
                {
                    await signal.WaitAsync(poll, stopping);
                    continue;
                }
                await SendAsync(claim, stopping);
            }
            catch (OperationCanceledException) when (stopping.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                // The database may be briefly unavailable; a claimed delivery becomes due again by itself.
                logger.LogError(e, "Webhook sender error; retrying after the poll interval");
                try { await Task.Delay(poll, stopping); } catch (OperationCanceledException) { return; }
            }
        }
    }

    private async Task SendAsync(DeliveryClaim claim, CancellationToken stopping)
    {
        var task = await queue.FindAsync(claim.AccountId, claim.TaskId)
            ?? throw new InvalidOperationException($"webhook delivery {claim.Id} names task {claim.TaskId}, which does not exist");
        var body = payloads.BodyOf(task);
        var timestamp = clock.GetUtcNow().ToUnixTimeSeconds();
        using var request = new HttpRequestMessage(HttpMethod.Post, claim.Url)
        {
            Content = new StringContent(body, Encoding.UTF8, "application/json"),
            // HTTP/3 would run over QUIC, around the guarded TCP connect.
            Version = HttpVersion.Version11,
            VersionPolicy = HttpVersionPolicy.RequestVersionOrLower,
        };
        request.Headers.Add("webhook-id", claim.Id);
        request.Headers.Add("webhook-timestamp", timestamp.ToString(System.Globalization.CultureInfo.InvariantCulture));
        request.Headers.Add("webhook-signature", WebhookSignature.Header(await secrets.SigningSecretsAsync(claim.AccountId), claim.Id, timestamp, body));

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(stopping);
        timeout.CancelAfter(TimeSpan.FromSeconds(Settings.TimeoutSeconds));
        var started = Stopwatch.GetTimestamp();
        int? status = null;
        string answer;
        try
        {
            using var response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token);
            status = (int)response.StatusCode;
            answer = await ReadStartAsync(response, timeout.Token);
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
            throw; // stopping: the claim lapses and the delivery is sent again, here after a restart or by another node
        }
        catch (OperationCanceledException)
        {
            answer = $"no answer within {Settings.TimeoutSeconds:0.###} s";
        }
        catch (HttpRequestException e) when (Refusal(e) is { } refused)
        {
            await FinishAsync(claim, WebhookStatuses.Failed, null, null, refused.Message, "failed", started);
            return;
        }
        catch (HttpRequestException e)
        {
            answer = e.HttpRequestError == HttpRequestError.Unknown ? e.Message : $"{e.HttpRequestError}: {e.Message}";
        }

        if (status is >= 200 and < 300)
            await FinishAsync(claim, WebhookStatuses.Success, null, status, answer, "success", started);
        else if (status == (int)HttpStatusCode.Gone)
            await FinishAsync(claim, WebhookStatuses.Failed, null, status, answer, "gone", started);
        else if (claim.Attempts <= _retryWaits.Count)
        {
            var next = clock.NowMs() + (long)_retryWaits[(int)claim.Attempts - 1].TotalMilliseconds;
            await FinishAsync(claim, WebhookStatuses.Pending, next, status, answer, "retry", started);
        }
        else
            await FinishAsync(claim, WebhookStatuses.Failed, null, status, answer, "failed", started);
    }

    private async Task FinishAsync(DeliveryClaim claim, string state, long? next, int? status, string answer, string outcome, long started)
    {
        WebhookMetrics.RecordSend(outcome, Stopwatch.GetElapsedTime(started).TotalSeconds);
        if (!await deliveries.RecordAsync(claim, state, next, status, answer))
            logger.LogInformation("Webhook delivery {Id} was retried by hand while it was being sent; this send's outcome is dropped", claim.Id);
        else if (outcome is not "success")
            logger.LogInformation("Webhook delivery {Id} of task {TaskId}: {Outcome} ({Status}) {Answer}", claim.Id, claim.TaskId, outcome,
                status?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "no answer", answer);
    }

    /// <summary>The start of the answer's body (the receiver's own words, for the delivery log), read within the timeout.</summary>
    private static async Task<string> ReadStartAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        var buffer = new char[KeptResponseChars];
        try
        {
            using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(cancellationToken), Encoding.UTF8);
            var read = await reader.ReadBlockAsync(buffer.AsMemory(), cancellationToken);
            return new string(buffer, 0, read);
        }
        catch (Exception e) when (e is IOException or HttpRequestException)
        {
            return "";
        }
    }

    private static FetchRefusedException? Refusal(Exception e)
    {
        for (Exception? inner = e; inner is not null; inner = inner.InnerException)
            // The guard's refusals, not a name that did not resolve (which a later send may get past).
            if (inner is FetchRefusedException refused && refused.Message.EndsWith(GuardedConnector.NotFetched, StringComparison.Ordinal)) return refused;
        return null;
    }

    public override void Dispose()
    {
        _http.Dispose();
        base.Dispose();
    }
}
