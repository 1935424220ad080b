using RunHub.Wire;
using RunHub.Client;
using System.Text.Json;
using System.Text.Json.Serialization;
using RunHub.Accounts;
using RunHub.Tasks;

namespace RunHub.Api;

/// <summary>
/// <c>POST /uc/openapi/accountStatus</c> with <c>{"apikey": KEY}</c> or a Bearer header:
/// the wallet balance and the account's queued and running tasks (on every node) in RunningHub's <c>{code, msg, data}</c> envelope.
/// The key, from the header or the body, is checked and counted against its request rate (<see cref="RequestKeys"/>):
/// 1002 for a missing or invalid key (or an <c>Authorization</c> header sent twice), 1003 past its rate.
/// </summary>
public static class AccountStatusEndpoint
{
    /// <summary>The kind of key RunningHub reports (<c>apiType</c>, <c>apiKeyType</c>): RunHub's keys share the server's workers.</summary>
    public const string ApiType = "SHARED";

    public sealed record AccountStatus(string RemainMoney, string Currency, string RemainCoins, string CurrentTaskCounts, string ApiType);

    public static async Task<object> Handle(HttpRequest request, RequestKeys keys, AccountDirectory accounts, TaskCounts counts, BodyLimits limits)
    {
        var key = BearerKey.From(request, out var repeated);
        // The key is what the body is for, so only a key's worth of body is read (without a Bearer header).
        if (key is null && repeated is null && request.ContentLength != 0)
        {
            var body = await limits.ReadAsync(request, limits.Small);
            if (body.Error is not null) return Envelope.Error(body.ErrorCode!, body.Error);
            using var document = body.Document!;
            if (document.RootElement.ValueKind == JsonValueKind.Object &&
                (document.RootElement.TryGetProperty("apikey", out var k) || document.RootElement.TryGetProperty("apiKey", out k)) &&
                k.ValueKind == JsonValueKind.String)
                key = k.GetString();
        }
        var check = await keys.CheckAsync(request.HttpContext, key, "missing API key: send {\"apikey\": KEY} or Authorization: Bearer KEY", repeated);
        if (check.Access is not { AccountId: var accountId }) return Envelope.Error(check.Code(RunHubErrorCodes.InvalidApiKey), check.Message);
        if (await accounts.FindAsync(accountId) is not { } account) return Envelope.Error(RunHubErrorCodes.InvalidApiKey, BearerKey.InvalidMessage);

        var active = await counts.ActiveAsync(account.Id, request.HttpContext.RequestAborted);
        return Envelope<AccountStatus>.Success(new AccountStatus(account.Balance.ToString(), "CNY", "0",
            active.Total.ToString(System.Globalization.CultureInfo.InvariantCulture), ApiType));
    }
}
