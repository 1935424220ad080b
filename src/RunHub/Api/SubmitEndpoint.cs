using RunHub.Wire;
using RunHub.Client;
using System.Text.Json;
using Microsoft.Extensions.Options;
using RunHub.Accounts;
using RunHub.Catalog;
using RunHub.Files;
using RunHub.Limits;
using RunHub.Media;
using RunHub.Tasks;

namespace RunHub.Api;

/// <summary>
/// <c>POST /openapi/v2/{endpoint}</c>: authenticate, find the model, validate the body against its schema,
/// price it, reserve the price and queue the task, answering at once with the task object.
/// </summary>
public static class SubmitEndpoint
{
    public static async Task<TaskObject> Handle(string? endpoint, HttpRequest request, ModelRequests requests, TaskQueue queue,
        IOptions<RunHubOptions> options, FileLinks links, InlineInputs inlineInputs)
    {
        var (checkedRequest, refusal) = await requests.ReadAsync(endpoint, request);
        if (checkedRequest is null) return refusal!;
        var (accountId, _, model, validated, amount, _) = checkedRequest;

        IdempotencyKey? idempotency = null;
        if (request.Headers[IdempotencyKey.Header].ToString() is { Length: > 0 } keyText)
        {
            // The request as the client sent it, inline inputs and all: the same request again is the same request.
            idempotency = IdempotencyKey.From(keyText, model.Endpoint, JsonSerializer.Serialize(validated.Parameters, WireJson.Options), out var keyError);
            if (idempotency is null) return TaskObject.Error(RunHubErrorCodes.InvalidParameters, keyError!);
        }

        var context = new SubmitContext(checkedRequest.WebhookUrl, BaseUrl.Of(request, options.Value), checkedRequest.KeyHash,
            SpendCapped: checkedRequest.KeyPolicy.SpendCap is not null);
        var (inline, inlineRefusal) = await inlineInputs.StoreAsync(validated, BaseUrl.Of(request, options.Value), request.HttpContext.RequestAborted);
        if (inline is null) return TaskObject.Error(RunHubErrorCodes.InvalidParameters, inlineRefusal!);
        var parameters = JsonSerializer.Serialize(inline.Parameters, WireJson.Options);
        SubmitResult submitted;
        try
        {
            submitted = await queue.SubmitAsync(accountId, model.Endpoint, parameters, amount, idempotency, context);
        }
        catch
        {
            await inlineInputs.DiscardAsync(inline.Keys);
            throw;
        }
        if (submitted.Outcome != SubmitOutcome.Created) await inlineInputs.DiscardAsync(inline.Keys);
        switch (submitted.Outcome)
        {
            case SubmitOutcome.InsufficientBalance:
                return TaskObject.Error(RunHubErrorCodes.InsufficientBalance, $"wallet balance too low: this task costs {amount} CNY");
            case SubmitOutcome.SpendCapReached:
                return TaskObject.Error(RunHubErrorCodes.InsufficientBalance,
                    $"this key's spend cap of {new Money(checkedRequest.KeyPolicy.SpendCap ?? 0)} CNY is reached: this task costs {amount} CNY (runhub keys limits shows and sets the cap)");
            case SubmitOutcome.QueueFull:
                return TaskObject.Error(RunHubErrorCodes.SystemBusy, QueueAdmission.Message(submitted.Outcome, options.Value.Limits)!);
            case SubmitOutcome.ConcurrencyLimit:
                return TaskObject.Error(RunHubErrorCodes.ConcurrencyLimit, QueueAdmission.Message(submitted.Outcome, options.Value.Limits)!);
            case SubmitOutcome.KeyReused:
                return TaskObject.Error(RunHubErrorCodes.InvalidParameters,
                    $"{IdempotencyKey.Header} '{Shorten(idempotency!.Key)}' was already used with a different request; use a new key for a new request");
            case SubmitOutcome.Replayed:
                request.HttpContext.Response.Headers["Idempotent-Replayed"] = "true";
                break;
        }
        return TaskObjectMapper.ToWire(submitted.Task!, BaseUrl.FileUrls(request, options.Value, links));
    }

    private static string Shorten(string text) => JsonValueText.Cap(text, 80);
}
