using System.Net;
using System.Text;

namespace RunHub.Tests.Client.Support;

/// <summary>
/// A scripted HTTP answerer for tests of parsing and retry policy: each request gets the next scripted answer
/// (the last one repeats), and every request is recorded with its body and headers.
/// </summary>
internal sealed class FakeServer : HttpMessageHandler
{
    private readonly Queue<Func<HttpRequestMessage, HttpResponseMessage>> _script = new();
    private Func<HttpRequestMessage, HttpResponseMessage>? _last;

    public List<SeenRequest> Requests { get; } = [];

    public FakeServer Json(string body, HttpStatusCode status = HttpStatusCode.OK) =>
        Then(_ => new HttpResponseMessage(status) { Content = new StringContent(body, Encoding.UTF8, "application/json") });

    public FakeServer Status(HttpStatusCode status, string body = "") =>
        Then(_ => new HttpResponseMessage(status) { Content = new StringContent(body) });

    public FakeServer Bytes(byte[] body, string contentType) =>
        Then(_ => new HttpResponseMessage(HttpStatusCode.OK) { Content = new ByteArrayContent(body) { Headers = { { "Content-Type", contentType } } } });

    public FakeServer NetworkFailure() => Then(_ => throw new HttpRequestException("Connection reset by peer (simulated)"));

    /// <summary>What SocketsHttpHandler throws, unwrapped, when the server resets a new connection at once.</summary>
    public FakeServer BareSocketError() => Then(_ => throw new System.Net.Sockets.SocketException((int)System.Net.Sockets.SocketError.NotConnected));

    public FakeServer Then(Func<HttpRequestMessage, HttpResponseMessage> answer)
    {
        _script.Enqueue(answer);
        return this;
    }

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var body = request.Content is null ? "" : await request.Content.ReadAsStringAsync(cancellationToken);
        lock (Requests)
            Requests.Add(new SeenRequest(request.Method, request.RequestUri!, body,
                request.Headers.TryGetValues("Idempotency-Key", out var keys) ? keys.Single() : null,
                request.Headers.Authorization?.ToString()));
        Func<HttpRequestMessage, HttpResponseMessage> answer;
        lock (_script)
            answer = _script.Count > 0 ? (_last = _script.Dequeue()) : _last ?? throw new InvalidOperationException("nothing scripted");
        return answer(request);
    }

    public sealed record SeenRequest(HttpMethod Method, Uri Uri, string Body, string? IdempotencyKey, string? Authorization);
}
