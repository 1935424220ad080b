using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;

namespace RunHub.Engines.RunningHub;

/// <summary>
/// Asks the upstream to stop a task RunHub no longer waits for (deadline, cancel, shutdown, given up), so it
/// stops running and, where RunningHub refunds cancelled work, stops costing. RunningHub documents
/// <c>POST /task/openapi/cancel</c> with <c>{apiKey, taskId}</c> (answer <c>{code, msg}</c>, 0 = done); it does not
/// document a cancel for Standard Model (v2) tasks, so this is best effort: failures are logged, never thrown.
/// </summary>
internal static class UpstreamCancel
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    public static async Task TryAsync(HttpClient http, RunningHubSettings settings, string apiKey, string upstreamTaskId, ILogger logger)
    {
        using var timeout = new CancellationTokenSource(Timeout);
        try
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, settings.Root + "/task/openapi/cancel")
            {
                Content = JsonContent.Create(new Dictionary<string, string> { ["apiKey"] = apiKey, ["taskId"] = upstreamTaskId }),
            };
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", apiKey);
            using var response = await http.SendAsync(request, timeout.Token).ConfigureAwait(false);
            var code = await CodeOfAsync(response, timeout.Token).ConfigureAwait(false);
            if (response.IsSuccessStatusCode && code == "0")
                logger.LogInformation("Upstream task {UpstreamTaskId} cancelled at {Server}", upstreamTaskId, settings.Root);
            else
                logger.LogWarning("Upstream task {UpstreamTaskId} may still run at {Server}: the cancel was answered HTTP {Status}, code {Code}",
                    upstreamTaskId, settings.Root, (int)response.StatusCode, code ?? "(none)");
        }
        catch (Exception e) when (e is HttpRequestException or IOException or OperationCanceledException)
        {
            logger.LogWarning("Upstream task {UpstreamTaskId} may still run at {Server}: the cancel failed ({Reason})",
                upstreamTaskId, settings.Root, e.GetType().Name);
        }
    }

    private static async Task<string?> CodeOfAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        try
        {
            using var body = await JsonDocument.ParseAsync(await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false),
                cancellationToken: cancellationToken).ConfigureAwait(false);
            return body.RootElement.ValueKind == JsonValueKind.Object && body.RootElement.TryGetProperty("code", out var code)
                ? code.ToString()
                : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
