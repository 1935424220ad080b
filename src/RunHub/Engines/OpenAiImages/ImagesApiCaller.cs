using RunHub.Client;
using System.Net.Http.Headers;
using RunHub.Api;

namespace RunHub.Engines.OpenAiImages;

/// <summary>
/// Sends one images request and returns the backend's successful answer, retrying only where a retry cannot
/// pay twice. The images API has no task id and no idempotency key and bills per call, so:
/// <list type="bullet">
/// <item>a connection that could not be opened, a 429 rate limit, a 408 and a 500/502/503 answer are retried here,
/// with exponential backoff that honours Retry-After, a bounded number of times; then the failure is retryable (429:
/// with <see cref="EngineException.RetryAfter"/>) so the task runner can try later or on another backend;</item>
/// <item>a request that was sent but whose answer was lost (connection broken, a gateway's 504/524 timeout) is never
/// sent again: the backend may have run and billed it. That is a non-retryable 1012 that says so.</item>
/// </list>
/// </summary>
internal sealed class ImagesApiCaller(HttpClient http, ILogger logger, TimeProvider time)
{
    public async Task<HttpResponseMessage> SendAsync(
        ImagesRequest request, OpenAiImagesSettings settings, string? apiKey, string taskId, CancellationToken cancellationToken)
    {
        var uri = settings.Endpoint(request.Path);
        var backend = $"{uri.Host}:{uri.Port}";
        for (var retry = 0; ; retry++)
        {
            var retriesLeft = settings.MaxRetries - retry;
            HttpResponseMessage response;
            try
            {
                response = await SendOnceAsync(uri, request, apiKey, cancellationToken);
            }
            catch (HttpRequestException) when (cancellationToken.IsCancellationRequested)
            {
                // The deadline or a cancel broke the connection: that is the caller's ending, not a backend failure.
                throw new OperationCanceledException(cancellationToken);
            }
            catch (HttpRequestException e) when (NothingWasSent(e))
            {
                var wait = RetryDelay.Backoff(settings.RetryDelay, retry, settings.MaxRetryWait);
                if (retriesLeft <= 0)
                    throw new EngineException(RunHubErrorCodes.UpstreamError, $"the image backend at {backend} cannot be reached ({e.HttpRequestError})", retryable: true);
                logger.LogWarning("openai-images: task {TaskId}: cannot reach {Backend} ({Error}); retrying in {DelayMs} ms",
                    taskId, backend, e.HttpRequestError, (long)wait.TotalMilliseconds);
                await Task.Delay(wait, time, cancellationToken);
                continue;
            }
            catch (HttpRequestException e)
            {
                throw new EngineException(RunHubErrorCodes.UpstreamError,
                    $"the connection to the image backend at {backend} broke after the request was sent ({e.HttpRequestError}); " +
                    "it is not sent again because the backend may already have run and billed it");
            }

            if (response.IsSuccessStatusCode) return response;

            ImagesApiError error;
            TimeSpan? requested;
            using (response)
            {
                error = await ImagesApiError.ReadAsync(response, cancellationToken);
                requested = RetryDelay.Requested(response, time.GetUtcNow());
            }

            var failure = Classify(error, requested, settings, retry, apiKey, backend);
            if (failure.Final is { } final) throw final;
            if (retriesLeft <= 0 || failure.Wait > settings.MaxRetryWait) throw failure.GiveUp!;
            logger.LogWarning("openai-images: task {TaskId}: {Backend} answered HTTP {Status}; retry {Retry} of {MaxRetries} in {DelayMs} ms",
                taskId, backend, error.StatusNumber, retry + 1, settings.MaxRetries, (long)failure.Wait.TotalMilliseconds);
            await Task.Delay(failure.Wait, time, cancellationToken);
        }
    }

    /// <summary>What to do about an error answer: fail now (<c>Final</c>), or wait and retry, giving up with <c>GiveUp</c>.</summary>
    private readonly record struct Failure(EngineException? Final, TimeSpan Wait, EngineException? GiveUp);

    private static Failure Classify(
        ImagesApiError error, TimeSpan? requested, OpenAiImagesSettings settings, int retry, string? apiKey, string backend)
    {
        var backoff = RetryDelay.Backoff(settings.RetryDelay, retry, settings.MaxRetryWait);
        switch (error.StatusNumber)
        {
            case 429 when error.IsQuotaExhausted:
                // Waiting does not refill a quota; another backend may still have some.
                return new Failure(new EngineException(RunHubErrorCodes.UpstreamError,
                    $"the image backend at {backend} has no quota left: {error.Describe(apiKey)}", retryable: true), default, null);
            case 429:
                var wait = requested ?? backoff;
                return new Failure(null, wait, new EngineException(RunHubErrorCodes.UpstreamError,
                    $"the image backend at {backend} is rate limiting requests: {error.Describe(apiKey)}", retryAfter: wait));
            case 408 or 500 or 502 or 503:
                return new Failure(null, requested ?? backoff, new EngineException(RunHubErrorCodes.UpstreamError,
                    $"the image backend at {backend} keeps failing: {error.Describe(apiKey)}", retryable: true));
            case 504 or 524:
                // A gateway gave up waiting, not the backend: it may still run the request and bill it.
                return new Failure(new EngineException(RunHubErrorCodes.UpstreamError,
                    $"a gateway in front of the image backend at {backend} timed out ({error.Describe(apiKey)}); " +
                    "the request is not sent again because the backend may still have run and billed it"), default, null);
            case >= 500:
                return new Failure(new EngineException(RunHubErrorCodes.UpstreamError,
                    $"the image backend at {backend} failed: {error.Describe(apiKey)}", retryable: true), default, null);
            default:
                return new Failure(error.ToFinalFailure(apiKey, settings.ApiKeyEnv), default, null);
        }
    }

    private async Task<HttpResponseMessage> SendOnceAsync(Uri uri, ImagesRequest request, string? apiKey, CancellationToken cancellationToken)
    {
        using var message = new HttpRequestMessage(HttpMethod.Post, uri) { Content = request.CreateContent() };
        // Per request, never on the client: image URLs in answers are fetched with the same client and must not get the key.
        if (apiKey is not null) message.Headers.Authorization = new AuthenticationHeaderValue("Bearer", apiKey);
        message.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        return await http.SendAsync(message, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
    }

    /// <summary>Failures before a connection existed: the backend cannot have seen, run or billed the request.</summary>
    private static bool NothingWasSent(HttpRequestException e) => e.HttpRequestError is
        HttpRequestError.NameResolutionError or HttpRequestError.ConnectionError or
        HttpRequestError.SecureConnectionError or HttpRequestError.ProxyTunnelError;
}
