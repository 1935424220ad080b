using Microsoft.Extensions.Options;

namespace RunHub.Accounts;

/// <summary>
/// How many of an account's tasks may run at once, as <c>GET /openapi/v2/queue/status</c> reports it
/// (<c>concurrentLimit</c>). RunHub has no per-account limit yet: every account may use all of a node's task workers
/// (<c>RunHub:Queue:Workers</c>), so that is the figure given, and never a 0 a client would read as "nothing may run".
/// Per-key limits (issue 14) replace it here.
/// </summary>
public sealed class ConcurrencyLimits(IOptions<RunHubOptions> options)
{
    public int For(string accountId) => options.Value.Queue.Workers;
}
