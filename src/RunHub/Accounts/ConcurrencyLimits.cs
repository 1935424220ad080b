using Microsoft.Extensions.Options;

namespace RunHub.Accounts;

/// <summary>
/// How many of an account's tasks may run at once, as <c>GET /openapi/v2/queue/status</c> reports it
/// (<c>concurrentLimit</c>): <c>RunHub:Limits:MaxRunningPerAccount</c> when set (docs/limits.md). Without it every
/// account may use all of a node's task workers (<c>RunHub:Queue:Workers</c>), so that is the figure given, never a 0
/// a client would read as "nothing may run".
/// </summary>
public sealed class ConcurrencyLimits(IOptions<RunHubOptions> options)
{
    public int For(string accountId) =>
        options.Value.Limits.MaxRunningPerAccount > 0 ? options.Value.Limits.MaxRunningPerAccount : options.Value.Queue.Workers;
}
