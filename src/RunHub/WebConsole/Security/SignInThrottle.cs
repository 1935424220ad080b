using System.Net;
using System.Net.Sockets;
using System.Threading.RateLimiting;
using Microsoft.Extensions.Options;

namespace RunHub.WebConsole.Security;

/// <summary>
/// Limits sign-in, second-factor, sign-up and code-redemption attempts per client address — an IPv4 address, or the
/// /64 network of an IPv6 one, since one host commonly has a whole /64 to pick addresses from (a fixed window of a
/// minute, <c>WebConsole:SignInAttemptsPerMinute</c>), on top of the lockout that counts wrong passwords per email in
/// the database (<see cref="Users.PasswordFailures"/>). Per node: a client spread over several nodes gets that many
/// attempts on each. One budget for the four forms: a person needs far fewer, and a budget per form would give an
/// attacker at one address that many more guesses.
/// </summary>
public sealed class SignInThrottle(IOptions<RunHubOptions> options) : IDisposable
{
    private readonly PartitionedRateLimiter<string> _limiter = PartitionedRateLimiter.Create<string, string>(address =>
        RateLimitPartition.GetFixedWindowLimiter(address, _ => new FixedWindowRateLimiterOptions
        {
            PermitLimit = options.Value.WebConsole.SignInAttemptsPerMinute,
            Window = TimeSpan.FromMinutes(1),
            QueueLimit = 0,
        }));

    public const string Message = "Too many attempts from your address; wait a minute and try again.";

    /// <summary>False when this address has used up its attempts for the current minute.</summary>
    public bool TryAttempt(HttpContext context)
    {
        // The client's address, as a trusted proxy forwarded it: behind one, every client would otherwise share the proxy's.
        var client = Api.ForwardedBase.ClientAddress(context.Request, options.Value.Api.TrustedProxies);
        using var lease = _limiter.AttemptAcquire(PartitionOf(client));
        return lease.IsAcquired;
    }

    /// <summary>Whose attempts a client's count with: its IPv4 address (also when written as IPv4-mapped IPv6), or its
    /// IPv6 address's /64 network (<c>2001:db8:1:2::/64</c>); <c>unknown</c> without one.</summary>
    internal static string PartitionOf(IPAddress? client)
    {
        if (client is null) return "unknown";
        if (client.IsIPv4MappedToIPv6) return client.MapToIPv4().ToString();
        if (client.AddressFamily != AddressFamily.InterNetworkV6) return client.ToString();
        var network = client.GetAddressBytes();
        Array.Clear(network, 8, 8);
        return new IPAddress(network) + "/64";
    }

    public void Dispose() => _limiter.Dispose();
}
