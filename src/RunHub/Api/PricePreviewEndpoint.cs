using RunHub.Client;

namespace RunHub.Api;

/// <summary>
/// <c>POST /openapi/v2/price-preview/{endpoint}</c> with a Bearer key and the body a submit to <c>{endpoint}</c> would
/// send: what that submit would cost, checked exactly as the submit is (<see cref="ModelRequests"/>: key, model, body,
/// schema, engine, price) but charging and queueing nothing. Answered flat, with RunningHub's fields:
/// <c>{"estimatedPrice": 0.03, "currency": "CNY", "freeLimit": false, "isFreeThisCall": false, "priceText": "¥0.03/次",
/// "priceTextEn": "CNY 0.03/call", "remainingFreeLimitCount": "0", "freeLimitCount": "0"}</c> (source: RunningHub's Go
/// SDK, difyz9/runninghub-sdk-go). <c>estimatedPrice</c> is the whole task's price in CNY (a number);
/// <c>priceText</c> the unit price of the matching rule. RunHub has no free calls. A refusal is the task object with
/// the same code the submit would get.
/// </summary>
public static class PricePreviewEndpoint
{
    public sealed record PricePreview(decimal EstimatedPrice, string Currency, bool FreeLimit, bool IsFreeThisCall, string PriceText,
        string PriceTextEn, string RemainingFreeLimitCount, string FreeLimitCount);

    public static async Task<object> Handle(string? endpoint, HttpRequest request, ModelRequests requests)
    {
        var (checkedRequest, refusal) = await requests.ReadAsync(endpoint, request);
        if (checkedRequest is null) return refusal!;
        var price = checkedRequest.Model.Price!;
        // No matching rule: the task costs the schedule's per-task fallback price (an import's UnpricedPrice).
        var (unit, unitText, unitTextEn) = price.UnitPrice(checkedRequest.Validated.Parameters) is { } unitPrice
            ? (unitPrice, price.UnitText, price.UnitTextEn)
            : (checkedRequest.Price, "/次", "/call");
        return new PricePreview(checkedRequest.Price.ToDecimal(), price.Currency, false, false,
            $"¥{unit}{unitText}", $"{price.Currency} {unit}{unitTextEn}", "0", "0");
    }
}
