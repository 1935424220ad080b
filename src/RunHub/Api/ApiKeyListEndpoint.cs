using System.Globalization;
using RunHub.Accounts;
using RunHub.Client;
using RunHub.Data;

namespace RunHub.Api;

/// <summary>
/// <c>GET /openapi/v2/api-key/list</c> with a Bearer key: the keys of the key's account, masked (RunHub stores only a
/// hash and a hint, so a key can never be shown again), in the <c>{code, msg, data}</c> envelope with RunningHub's
/// fields. <c>quotaLimit</c> and <c>quotaUsed</c> are a key's spend cap and what it spent against it (CNY), and
/// <c>expireAt</c> and <c>expireInMinute</c> its expiry, as <c>runhub keys limits</c> set them (null where it set none);
/// <c>status</c> is 1 for a live key and 0 for a revoked or expired one; <c>lastUsedAt</c> is a RunHub extension.
/// </summary>
public static class ApiKeyListEndpoint
{
    public sealed record ApiKeyItem(string Key, string? ApiKeyName, int Status, decimal? QuotaLimit, decimal? QuotaUsed, bool Visible,
        string? ExpireAt, int? ExpireInMinute, string CreatedAt, string? LastUsedAt);

    public static async Task<object> Handle(HttpRequest request, RequestKeys requestKeys, AccountDirectory accounts, TimeProvider clock)
    {
        var key = await requestKeys.CheckBearerAsync(request);
        if (key.Access is not { AccountId: var accountId }) return Envelope.Error(key.Code(RunHubErrorCodes.InvalidApiKey), key.Message);

        var keys = await accounts.KeysOfAsync(accountId, request.HttpContext.RequestAborted);
        var now = clock.NowMs();
        return Envelope<IReadOnlyList<ApiKeyItem>>.Success(keys.Select(k => new ApiKeyItem(k.Hint, k.Name,
            k.Revoked || k.ExpiresAt <= now ? 0 : 1,
            k.SpendCap is { } cap ? new Money(cap).ToDecimal() : null, k.SpendCap is null ? null : new Money(k.Spent).ToDecimal(),
            false, Time(k.ExpiresAt), k.ExpiresAt is { } at ? (int)Math.Clamp((at - now + 59_999) / 60_000, 0, int.MaxValue) : null,
            Time(k.CreatedAt)!, Time(k.LastUsedAt))).ToList());
    }

    /// <summary>ISO 8601 in UTC, to the second: "2026-01-01T12:00:00Z".</summary>
    private static string? Time(long? unixMs) => unixMs is { } ms
        ? DateTimeOffset.FromUnixTimeMilliseconds(ms).UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture)
        : null;
}
