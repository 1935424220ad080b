using System.Net;
using System.Net.Sockets;

namespace RunHub.Media;

/// <summary>
/// Downloads one http(s) input: follows redirects itself, checking each hop, and streams the body under the
/// size limit and the minimum transfer rate (<see cref="TransferRateGuard"/>: each hop must start answering within one
/// window, the body must keep up the rate). Connections go through <see cref="GuardedConnector"/>.
/// </summary>
/// <param name="media">Redirects, the minimum rate and its window (<see cref="MediaOptions"/>).</param>
/// <param name="time">The clock of the rate checks; the system's when not given.</param>
internal sealed class HttpDownloader(NetworkPolicy policy, HostResolver resolve, MediaOptions media, TimeProvider? time = null) : IDisposable
{
    private readonly int _maxRedirects = media.MaxRedirects;
    private readonly TimeProvider _time = time ?? TimeProvider.System;

    private readonly HttpClient _http = new(new SocketErrorWrappingHandler(GuardedConnector.CreateHandler(policy, resolve)))
    {
        // InputFetcher owns the one deadline for the whole fetch.
        Timeout = Timeout.InfiniteTimeSpan,
        DefaultRequestHeaders = { { "User-Agent", "RunHub-InputFetcher/1.0" }, { "Accept", "*/*" } },
    };

    public static bool IsHttp(Uri uri) => uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps;

    /// <param name="meter">Counts the body bytes received, also of a download that fails.</param>
    /// <exception cref="FetchRefusedException">Refused, failed, too large or too slow; the message says which.</exception>
    public async Task<byte[]> DownloadAsync(Uri uri, SizeLimit limit, CancellationToken cancellationToken, TransferMeter? meter = null)
    {
        using var guard = new TransferRateGuard(media.MinBytesPerSecond, TimeSpan.FromSeconds(media.RateWindowSeconds), _time, meter);
        using var watched = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, guard.TooSlow);
        try
        {
            return await DownloadAsync(uri, limit, guard, watched.Token);
        }
        catch (OperationCanceledException) when (guard.TooSlow.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            throw new FetchRefusedException(guard.Reason);
        }
        catch (FetchRefusedException e) when (guard.TooSlow.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            // The cut surfaced as a broken connection; the rate is the reason.
            throw new FetchRefusedException(guard.Reason, e);
        }
    }

    private async Task<byte[]> DownloadAsync(Uri uri, SizeLimit limit, TransferRateGuard guard, CancellationToken cancellationToken)
    {
        var current = uri;
        for (var redirects = 0; ; redirects++)
        {
            RefuseLiteralAddress(current);
            using var response = await SendAsync(current, cancellationToken);
            guard.Answered();

            if (IsRedirect(response.StatusCode) && response.Headers.Location is { } location)
            {
                if (redirects >= _maxRedirects) throw new FetchRefusedException($"too many redirects (more than {_maxRedirects})");
                current = location.IsAbsoluteUri ? location : new Uri(current, location);
                if (!IsHttp(current)) throw new FetchRefusedException($"redirected to a non-http URL ({current.Scheme}:)");
                continue;
            }
            if (!response.IsSuccessStatusCode)
                throw new FetchRefusedException($"the server answered HTTP {(int)response.StatusCode}");

            var length = response.Content.Headers.ContentLength;
            try
            {
                await using var body = guard.Watch(await response.Content.ReadAsStreamAsync(cancellationToken));
                return await limit.ReadAllAsync(body, length, cancellationToken);
            }
            catch (Exception e) when (e is IOException or HttpRequestException)
            {
                throw new FetchRefusedException("the connection broke before the whole file arrived", e);
            }
        }
    }

    /// <summary>Refuses a URL that names a forbidden address outright, before any connection is attempted.</summary>
    private void RefuseLiteralAddress(Uri uri)
    {
        if (GuardedConnector.LiteralAddress(uri.IdnHost) is { } address && policy.Refusal(address) is { } refusal)
            throw new FetchRefusedException(refusal + GuardedConnector.NotFetched) { AddressRefused = true };
    }

    private async Task<HttpResponseMessage> SendAsync(Uri uri, CancellationToken cancellationToken)
    {
        // HTTP/3 would run over QUIC, around the guarded TCP connect, so requests ask for HTTP/1.1 and never upgrade.
        using var request = new HttpRequestMessage(HttpMethod.Get, uri)
        {
            Version = HttpVersion.Version11,
            VersionPolicy = HttpVersionPolicy.RequestVersionOrLower,
        };
        try
        {
            return await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        }
        catch (HttpRequestException e)
        {
            throw Describe(e, uri);
        }
    }

    private static FetchRefusedException Describe(HttpRequestException e, Uri uri)
    {
        for (Exception? inner = e; inner is not null; inner = inner.InnerException)
            if (inner is FetchRefusedException refused) return refused;

        var endpoint = $"{uri.IdnHost}:{uri.Port}";
        var reason = FindSocketError(e) switch
        {
            SocketError.ConnectionRefused => $"connection refused by {endpoint}",
            SocketError.TimedOut => $"connection to {endpoint} timed out",
            SocketError.HostUnreachable or SocketError.NetworkUnreachable => $"{endpoint} is unreachable",
            SocketError.ConnectionReset or SocketError.ConnectionAborted or SocketError.NotConnected => $"connection reset by {endpoint}",
            _ => e.HttpRequestError switch
            {
                HttpRequestError.NameResolutionError => $"host {uri.IdnHost} could not be resolved",
                HttpRequestError.SecureConnectionError => $"TLS handshake with {endpoint} failed",
                HttpRequestError.ResponseEnded => $"{endpoint} closed the connection without answering",
                HttpRequestError.InvalidResponse => $"{endpoint} sent an invalid HTTP response",
                _ => $"could not download from {endpoint}",
            },
        };
        return new FetchRefusedException(reason, e);
    }

    private static SocketError? FindSocketError(Exception e)
    {
        for (Exception? inner = e; inner is not null; inner = inner.InnerException)
            if (inner is SocketException socket) return socket.SocketErrorCode;
        return null;
    }

    private static bool IsRedirect(HttpStatusCode status) => status is
        HttpStatusCode.MovedPermanently or HttpStatusCode.Found or HttpStatusCode.SeeOther or
        HttpStatusCode.TemporaryRedirect or HttpStatusCode.PermanentRedirect;

    public void Dispose() => _http.Dispose();
}
