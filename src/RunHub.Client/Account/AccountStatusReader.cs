using System.Text;
using System.Text.Json;

namespace RunHub.Client;

/// <summary>Reads <c>POST {root}/uc/openapi/accountStatus</c> → <c>{code, msg, data: {remainMoney, ...}}</c>.</summary>
internal static class AccountStatusReader
{
    public static async Task<AccountStatus> GetAsync(ApiTransport transport, Uri url, string apiKey, CancellationToken cancellationToken)
    {
        // RunningHub takes the key in the body here (not only the Bearer header the transport adds anyway).
        var json = JsonSerializer.Serialize(new Dictionary<string, string> { ["apikey"] = apiKey });
        var answer = await transport.SendAsync(new ApiCall
        {
            Operation = "accountStatus",
            CreateRequest = () => new HttpRequestMessage(HttpMethod.Post, url) { Content = new StringContent(json, Encoding.UTF8, "application/json") },
            ExpectsTask = false,
            PayloadIsValid = data => data.ValueKind == JsonValueKind.Object,
            LostAnswerIsSafeToResend = true,
        }, cancellationToken).ConfigureAwait(false);
        var data = ((ServerAnswer.Payload)answer).Data;
        var count = JsonText.Integer(data, "currentTaskCounts");
        return new AccountStatus(
            JsonText.Decimal(data, "remainMoney"),
            JsonText.Read(data, "currency"),
            JsonText.Decimal(data, "remainCoins"),
            count is { } n && n is >= int.MinValue and <= int.MaxValue ? (int)n : null,
            JsonText.Read(data, "apiType"),
            data);
    }
}
