using System.Globalization;
using RunHub.Accounts;
using RunHub.Client;
using RunHub.Limits;
using RunHub.Tasks;

namespace RunHub.Api;

/// <summary>
/// <c>GET /openapi/v2/queue/status</c> with a Bearer key: the account's running and queued tasks, counted in the
/// database (all nodes), and its concurrency limit (<see cref="AccountLimits.ReportedConcurrencyAsync"/>: its own or the server's), in the <c>{code, msg, data}</c>
/// envelope. The counts are strings and <c>concurrentLimit</c> a number, as RunningHub sends them (its Go SDK reads
/// them into exactly those types).
/// </summary>
public static class QueueStatusEndpoint
{
    public sealed record QueueStatus(string ApiKeyType, long ConcurrentLimit, string RunningCount, string QueuedCount, string TotalCurrentTasks);

    public static async Task<object> Handle(HttpRequest request, RequestKeys keys, TaskCounts counts, AccountLimits limits)
    {
        var key = await keys.CheckBearerAsync(request);
        if (key.Access is not { AccountId: var accountId }) return Envelope.Error(key.Code(RunHubErrorCodes.InvalidApiKey), key.Message);

        var active = await counts.ActiveAsync(accountId, request.HttpContext.RequestAborted);
        return Envelope<QueueStatus>.Success(new QueueStatus(AccountStatusEndpoint.ApiType, await limits.ReportedConcurrencyAsync(accountId),
            Text(active.Running), Text(active.Queued), Text(active.Total)));
    }

    private static string Text(long count) => count.ToString(CultureInfo.InvariantCulture);
}
