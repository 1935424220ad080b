using System.Net;
using System.Net.Http.Headers;
using System.Text;
using RunHub.Bench.Scenarios;

namespace RunHub.Bench.Load;

/// <summary>
/// The load generator's HTTP client for one server and one API key: a single pooled
/// <see cref="SocketsHttpHandler"/> with a connection for every client, no proxy, no decompression. Answers are
/// checked by cheap byte searches in the compact JSON the server writes, so the client spends its CPU on
/// sending load rather than on parsing it.
/// </summary>
internal sealed class BenchClient : IDisposable
{
    private static readonly MediaTypeHeaderValue Json = new("application/json");
    /// <summary>What every successful answer of RunHub's v2 API carries: an empty <c>errorCode</c> (compact JSON).</summary>
    public static readonly byte[] NoErrorField = "\"errorCode\":\"\""u8.ToArray();
    private static readonly byte[] Succeeded = "\"status\":\"SUCCESS\""u8.ToArray();
    private static readonly byte[] TaskIdField = "\"taskId\":\""u8.ToArray();

    private readonly HttpClient _http;
    private readonly AuthenticationHeaderValue _auth;
    private readonly Uri _health;
    private readonly Uri _query;
    private readonly Uri _submit;

    public BenchClient(string baseUrl, string apiKey, int connections, string endpoint = BenchRequests.Endpoint)
    {
        _http = new HttpClient(new SocketsHttpHandler
        {
            MaxConnectionsPerServer = Math.Max(1, connections),
            PooledConnectionIdleTimeout = TimeSpan.FromMinutes(5),
            UseProxy = false,
            AutomaticDecompression = DecompressionMethods.None,
            UseCookies = false,
        })
        {
            // Every call is bounded: a stuck server turns into errors, never into a run that does not end.
            Timeout = TimeSpan.FromSeconds(30),
        };
        _auth = new AuthenticationHeaderValue("Bearer", apiKey);
        _health = new Uri(baseUrl + "/healthz");
        _query = new Uri(baseUrl + "/openapi/v2/query");
        _submit = new Uri(baseUrl + "/openapi/v2/" + endpoint);
    }

    /// <summary>The baseline: a route that does no work, in the same server process.</summary>
    public async Task<CallResult> HealthAsync()
    {
        using var response = await _http.GetAsync(_health);
        var body = await response.Content.ReadAsByteArrayAsync();
        return response.StatusCode == HttpStatusCode.OK && body.AsSpan().SequenceEqual("ok"u8)
            ? CallResult.Success
            : CallResult.Failed($"healthz: HTTP {(int)response.StatusCode} {Shorten(body)}");
    }

    /// <summary>A query that must find the task (no error code in the answer).</summary>
    public async Task<CallResult> QueryAsync(byte[] body)
    {
        var answer = await PostAsync(_query, body);
        return answer.AsSpan().IndexOf(NoErrorField) >= 0 ? CallResult.Success : CallResult.Failed("query: " + Shorten(answer));
    }

    /// <summary>A query that must find the task finished with SUCCESS.</summary>
    public async Task<CallResult> QuerySucceededAsync(byte[] body)
    {
        var answer = await PostAsync(_query, body);
        return answer.AsSpan().IndexOf(Succeeded) >= 0 ? CallResult.Success : CallResult.Failed("query after finish: " + Shorten(answer));
    }

    /// <summary>A submit; the task id when the task was created, else the answer as the error.</summary>
    public async Task<(string? TaskId, string? Error)> SubmitAsync(byte[] body)
    {
        var answer = await PostAsync(_submit, body);
        var span = answer.AsSpan();
        var at = span.IndexOf(TaskIdField);
        if (span.IndexOf(NoErrorField) < 0 || at < 0) return (null, "submit: " + Shorten(answer));
        var rest = span[(at + TaskIdField.Length)..];
        var length = rest.IndexOf((byte)'"');
        return length > 0 ? (Encoding.ASCII.GetString(rest[..length]), null) : (null, "submit: " + Shorten(answer));
    }

    /// <summary>A submit that must create a task: the call of the closed-loop submit rows.</summary>
    public async Task<CallResult> SubmitCreatesTaskAsync(byte[] body)
    {
        var (id, refusal) = await SubmitAsync(body);
        return id is null ? CallResult.Failed(refusal!) : CallResult.Success;
    }

    /// <summary>A submit that must be refused with <paramref name="errorCode"/> (the memory scenario's warm-up creates no tasks).</summary>
    public async Task<CallResult> SubmitRefusedAsync(byte[] body, string errorCode)
    {
        var answer = await PostAsync(_submit, body);
        return answer.AsSpan().IndexOf(Encoding.ASCII.GetBytes($"\"errorCode\":\"{errorCode}\"")) >= 0
            ? CallResult.Success
            : CallResult.Failed($"submit expected {errorCode}: " + Shorten(answer));
    }

    private async Task<byte[]> PostAsync(Uri uri, byte[] body)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, uri) { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = Json;
        request.Headers.Authorization = _auth;
        using var response = await _http.SendAsync(request);
        var answer = await response.Content.ReadAsByteArrayAsync();
        if (response.StatusCode != HttpStatusCode.OK) throw new HttpRequestException($"HTTP {(int)response.StatusCode}: {Shorten(answer)}");
        return answer;
    }

    private static string Shorten(byte[] body)
    {
        var text = Encoding.UTF8.GetString(body, 0, Math.Min(body.Length, 300));
        return body.Length > 300 ? text + "…" : text;
    }

    public void Dispose() => _http.Dispose();
}
