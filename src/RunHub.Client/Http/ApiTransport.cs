using System.Net;
using System.Net.Http.Headers;

namespace RunHub.Client;

/// <summary>
/// Sends API calls with the key, bounds each attempt, takes the envelope off the answer and retries transient
/// failures with backoff. Retrying is decided per failure: a refusal with a retryable code is always safe (the
/// server answered, nothing was created); a lost answer (network error, timeout, 5xx without an error code,
/// an unreadable body) is re-sent only when <see cref="ApiCall.LostAnswerIsSafeToResend"/>.
/// </summary>
internal sealed class ApiTransport(HttpClient http, RunHubClientOptions options)
{
    public async Task<ServerAnswer> SendAsync(ApiCall call, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            var (answer, failure, lost, retryAfter) = await AttemptAsync(call, cancellationToken).ConfigureAwait(false);
            if (failure is null) return answer!;
            var resend = failure.IsRetryable && call.CanResend && attempt < options.MaxAttempts
                && (!lost || call.LostAnswerIsSafeToResend);
            if (!resend) throw failure;
            await Task.Delay(RetryDelays.After(attempt, options.RetryBaseDelay, options.RetryMaxDelay, retryAfter), cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task<(ServerAnswer? Answer, RunHubException? Failure, bool Lost, TimeSpan? RetryAfter)> AttemptAsync(ApiCall call, CancellationToken cancellationToken)
    {
        using var request = call.CreateRequest();
        if (options.ApiKey.Length > 0) request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", options.ApiKey);
        using var attempt = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        attempt.CancelAfter(options.RequestTimeout);
        HttpStatusCode status;
        string body;
        TimeSpan? retryAfter;
        try
        {
            using var response = await http.SendAsync(request, HttpCompletionOption.ResponseContentRead, attempt.Token).ConfigureAwait(false);
            status = response.StatusCode;
            retryAfter = RetryDelays.RetryAfterOf(response);
            body = await response.Content.ReadAsStringAsync(attempt.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException e) when (!cancellationToken.IsCancellationRequested)
        {
            // Our own attempt deadline (or HttpClient.Timeout), not the caller's cancellation.
            return (null, Lost(call, RunHubErrorCodes.Network, $"no answer within {options.RequestTimeout.TotalSeconds:0.###} s", e), true, null);
        }
        // A SocketException too: SocketsHttpHandler lets one through bare when the server resets a new connection at once.
        catch (Exception e) when (e is HttpRequestException or IOException or System.Net.Sockets.SocketException)
        {
            return (null, Lost(call, RunHubErrorCodes.Network, e.Message, e), true, null);
        }
        return Classify(call, (int)status, body, retryAfter);
    }

    private static (ServerAnswer?, RunHubException?, bool, TimeSpan?) Classify(ApiCall call, int status, string body, TimeSpan? retryAfter)
    {
        var answer = ResponseReader.Read(body);
        switch (answer)
        {
            case ServerAnswer.Refusal refusal when refusal.Code != status.ToString(System.Globalization.CultureInfo.InvariantCulture):
                // A RunningHub error code, whatever the HTTP status: the server refused, nothing was created.
                // (A code that merely repeats the HTTP status says no more than the status: handled below.)
                return (null, Refused(call, refusal.Code, refusal.Message), false, retryAfter);
            case ServerAnswer.TaskAnswer when call.ExpectsTask:
                // Even on a 5xx: the body names the task, so it exists and its state is known.
                return (answer, null, false, null);
        }
        if (status == 429)
            return (null, Refused(call, RunHubErrorCodes.Http(status), $"{call.Operation}: HTTP 429, too many requests"), false, retryAfter);
        if (status >= 500)
            return (null, Lost(call, RunHubErrorCodes.Http(status), $"HTTP {status}: {Describe(answer, body)}"), true, retryAfter);
        if (status is < 200 or >= 300)
            return (null, Refused(call, RunHubErrorCodes.Http(status), $"{call.Operation}: HTTP {status}: {Describe(answer, body)}"), false, null);
        var valid = answer switch
        {
            ServerAnswer.TaskAnswer => call.ExpectsTask,
            ServerAnswer.Payload payload => !call.ExpectsTask && (call.PayloadIsValid?.Invoke(payload.Data) ?? true),
            _ => false,
        };
        return valid
            ? (answer, null, false, null)
            : (null, Lost(call, RunHubErrorCodes.InvalidResponse, "unexpected answer: " + Describe(answer, body)), true, null);
    }

    private static string Describe(ServerAnswer answer, string body) =>
        answer is ServerAnswer.Unreadable unreadable ? unreadable.Reason : ResponseReader.Excerpt(body);

    /// <summary>The server said no: its own message is kept as is.</summary>
    private static RunHubException Refused(ApiCall call, string code, string message) =>
        new(code, message, call.TaskId) { IdempotencyKey = call.IdempotencyKey };

    private static RunHubException Lost(ApiCall call, string code, string message, Exception? inner = null) =>
        new(code, $"{call.Operation}: {message}", call.TaskId, inner) { OutcomeUnknown = call.IsSubmit, IdempotencyKey = call.IdempotencyKey };
}
