using System.Globalization;
using RunHub.Accounts;
using RunHub.Client;

namespace RunHub.Api;

/// <summary>
/// <c>GET /openapi/v2/api-key/list</c> with a Bearer key: the keys of the key's account, masked (RunHub stores only a
/// hash and a hint, so a key can never be shown again), in the <c>{code, msg, data}</c> envelope with RunningHub's
/// fields. RunHub has no per-key quota or expiry: <c>quotaLimit</c>, <c>quotaUsed</c>, <c>expireAt</c> and
/// <c>expireInMinute</c> are null; <c>status</c> is 1 for a live key and 0 for a revoked one; <c>lastUsedAt</c> is a
/// RunHub extension.
/// </summary>
public static class ApiKeyListEndpoint
{
    public sealed record ApiKeyItem(string Key, string? ApiKeyName, int Status, decimal? QuotaLimit, decimal? QuotaUsed, bool Visible,
        string? ExpireAt, int? ExpireInMinute, string CreatedAt, string? LastUsedAt);

    public static async Task<object> Handle(HttpRequest request, AccountDirectory accounts)
    {
        var key = BearerKey.From(request);
        if (key is null) return Envelope.Error(RunHubErrorCodes.InvalidApiKey, BearerKey.MissingMessage);
        if (await accounts.AuthenticateAsync(key) is not { } accountId) return Envelope.Error(RunHubErrorCodes.InvalidApiKey, BearerKey.InvalidMessage);

        var keys = await accounts.KeysOfAsync(accountId, request.HttpContext.RequestAborted);
        return Envelope<IReadOnlyList<ApiKeyItem>>.Success(keys.Select(k => new ApiKeyItem(k.Hint, k.Name, k.Revoked ? 0 : 1, null, null,
            false, null, null, Time(k.CreatedAt)!, Time(k.LastUsedAt))).ToList());
    }

    /// <summary>ISO 8601 in UTC, to the second: "2026-01-01T12:00:00Z".</summary>
    private static string? Time(long? unixMs) => unixMs is { } ms
        ? DateTimeOffset.FromUnixTimeMilliseconds(ms).UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture)
        : null;
}
