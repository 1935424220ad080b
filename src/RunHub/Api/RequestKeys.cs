using RunHub.Accounts;
using RunHub.Client;
using RunHub.Limits;

namespace RunHub.Api;

/// <summary>
/// The one way an API call turns the key it carries into a live key (<see cref="KeyAccess"/>): whatever the family
/// and wherever the key came from (an <c>Authorization: Bearer</c> header, <c>apiKey</c> in a JSON body, a form field,
/// the query string), the key is looked up (unknown, revoked and expired keys and disabled accounts are refused) and
/// its request rate is counted (<see cref="RequestRate"/>). Each key is checked once per request: the answer is kept
/// for the request, so the early Bearer step (<see cref="RequestRateLimits"/>) and the endpoint's own check count one
/// request, not two.
/// </summary>
public sealed class RequestKeys(AccountDirectory accounts, RequestRate rate)
{
    /// <summary>
    /// The key of the <c>Authorization: Bearer</c> header, checked; missing: <see cref="BearerKey.MissingMessageFor"/>
    /// (which says when the header is there but not a Bearer key); the header on more than one line: refused as
    /// <see cref="KeyRefusal.Invalid"/>, saying so (<see cref="BearerKey.From"/>).
    /// </summary>
    public ValueTask<KeyCheck> CheckBearerAsync(HttpRequest request)
    {
        var key = BearerKey.From(request, out var repeated);
        var missing = string.IsNullOrWhiteSpace(key) && repeated is null ? BearerKey.MissingMessageFor(request) : BearerKey.MissingMessage;
        return CheckAsync(request.HttpContext, key, missing, repeated);
    }

    /// <summary>Checks <paramref name="key"/> as the request carried it (null or blank: refused as missing, with <paramref name="missingMessage"/>).</summary>
    /// <param name="repeated">
    /// Not null when the request's <c>Authorization</c> header, which the call reads for its key, came on more than one
    /// line (<see cref="BearerKey.From"/>): then the call is refused as <see cref="KeyRefusal.Invalid"/> with this
    /// message, whatever <paramref name="key"/> is, and no key is looked up or counted.
    /// </param>
    public async ValueTask<KeyCheck> CheckAsync(HttpContext context, string? key, string missingMessage, string? repeated = null)
    {
        if (repeated is not null) return new KeyCheck(null, KeyRefusal.Invalid, repeated);
        key = key?.Trim();
        if (string.IsNullOrEmpty(key)) return new KeyCheck(null, KeyRefusal.Missing, missingMessage);
        var checks = context.Features.Get<CheckedKeys>();
        if (checks?.Find(key) is { } done) return done;
        var check = await CheckOnceAsync(context, key);
        if (checks is null) context.Features.Set(new CheckedKeys(key, check));
        else checks.Add(key, check);
        return check;
    }

    private async ValueTask<KeyCheck> CheckOnceAsync(HttpContext context, string key)
    {
        if (await accounts.AuthenticateKeyAsync(key) is not { } access) return new KeyCheck(null, KeyRefusal.Invalid, BearerKey.InvalidMessage);
        return await rate.CheckAsync(access, context.Response) is { } limited
            ? new KeyCheck(null, KeyRefusal.RateLimited, limited)
            : new KeyCheck(access, KeyRefusal.None, "");
    }
}

/// <summary>
/// The keys a request has had checked, as a request feature: nearly every request carries one key, so the first is
/// kept without a dictionary (a request's state costs the server's every call).
/// </summary>
internal sealed class CheckedKeys(string key, KeyCheck check)
{
    private Dictionary<string, KeyCheck>? _others;

    public KeyCheck? Find(string key2) =>
        string.Equals(key, key2, StringComparison.Ordinal) ? check : _others?.GetValueOrDefault(key2);

    public void Add(string key2, KeyCheck check2) => (_others ??= new(StringComparer.Ordinal))[key2] = check2;
}

/// <summary>Why <see cref="RequestKeys"/> refused a key, if it did.</summary>
public enum KeyRefusal
{
    None,
    Missing,
    /// <summary>Unknown, revoked or expired, or its account is disabled; or the <c>Authorization</c> header that carries it came twice.</summary>
    Invalid,
    /// <summary>The key's requests of this minute are used up (1003; <c>Retry-After</c> is set).</summary>
    RateLimited,
}

/// <summary>A checked key: the live key (<paramref name="Access"/>), or why not (<paramref name="Refusal"/>) with the message to answer.</summary>
public sealed record KeyCheck(KeyAccess? Access, KeyRefusal Refusal, string Message)
{
    /// <summary>
    /// The refusal's code in a family whose "no valid key" code is <paramref name="unauthorizedCode"/> (1002 for the
    /// v2 calls, 802 for the v1 workflow calls): that one for a missing or invalid key, 1003 for a used-up rate.
    /// </summary>
    public string Code(string unauthorizedCode) => Refusal == KeyRefusal.RateLimited ? RunHubErrorCodes.RateLimited : unauthorizedCode;
}
