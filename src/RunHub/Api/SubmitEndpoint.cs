using RunHub.Wire;
using RunHub.Client;
using System.Text.Json;
using Microsoft.Extensions.Options;
using RunHub.Accounts;
using RunHub.Catalog;
using RunHub.Engines;
using RunHub.Files;
using RunHub.Media;
using RunHub.Tasks;

namespace RunHub.Api;

/// <summary>
/// <c>POST /openapi/v2/{endpoint}</c>: authenticate, find the model, validate the body against its schema,
/// price it, reserve the price and queue the task, answering at once with the task object.
/// </summary>
public static class SubmitEndpoint
{
    public static async Task<TaskObject> Handle(string? endpoint, HttpRequest request, AccountDirectory accounts,
        ModelCatalog catalog, EngineRegistry engines, TaskQueue queue, IOptions<RunHubOptions> options, FileLinks links, BodyLimits limits,
        InlineInputs inlineInputs)
    {
        var key = BearerKey.From(request);
        if (key is null) return TaskObject.Error(RunHubErrorCodes.InvalidApiKey, BearerKey.MissingMessage);
        var accountId = await accounts.AuthenticateAsync(key);
        if (accountId is null) return TaskObject.Error(RunHubErrorCodes.InvalidApiKey, BearerKey.InvalidMessage);

        endpoint = endpoint?.Trim('/') ?? "";
        var segments = endpoint.Split('/');
        var model = segments.Length is >= 1 and <= 3 && endpoint.Length > 0 ? catalog.Find(endpoint) : null;
        if (model is null)
            return TaskObject.Error(RunHubErrorCodes.UnknownEndpoint, endpoint.Length == 0
                ? "no endpoint given: POST /openapi/v2/{model endpoint}"
                : $"unknown endpoint '{Shorten(endpoint)}'");

        var body = await limits.ReadAsync(request, limits.Submit(model));
        if (body.Error is not null) return TaskObject.Error(body.ErrorCode!, body.Error);
        using var document = body.Document!;

        var outcome = RequestValidator.Validate(model, document.RootElement);
        if (outcome.Request is not { } validated)
            return TaskObject.Error(outcome.ErrorCode, outcome.ErrorMessage);

        if (!engines.CanServe(model))
            return TaskObject.Error(RunHubErrorCodes.ServiceUnavailable, $"no engine on this server can serve {model.Endpoint}");
        if (model.Price is null)
            return TaskObject.Error(RunHubErrorCodes.ServiceUnavailable, $"{model.Endpoint} has no price on this server, so it cannot be run");
        if (model.Price.Quote(validated.Parameters) is not { } amount)
            return TaskObject.Error(RunHubErrorCodes.InvalidParameters, $"{model.Endpoint}: no price is defined for this combination of parameters");

        IdempotencyKey? idempotency = null;
        if (request.Headers[IdempotencyKey.Header].ToString() is { Length: > 0 } keyText)
        {
            // The request as the client sent it, inline inputs and all: the same request again is the same request.
            idempotency = IdempotencyKey.From(keyText, model.Endpoint, JsonSerializer.Serialize(validated.Parameters, WireJson.Options), out var keyError);
            if (idempotency is null) return TaskObject.Error(RunHubErrorCodes.InvalidParameters, keyError!);
        }

        var (inline, refusal) = await inlineInputs.StoreAsync(validated, BaseUrl.Of(request, options.Value), request.HttpContext.RequestAborted);
        if (inline is null) return TaskObject.Error(RunHubErrorCodes.InvalidParameters, refusal!);
        var parameters = JsonSerializer.Serialize(inline.Parameters, WireJson.Options);
        SubmitResult submitted;
        try
        {
            submitted = await queue.SubmitAsync(accountId, model.Endpoint, parameters, amount, idempotency);
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
            case SubmitOutcome.KeyReused:
                return TaskObject.Error(RunHubErrorCodes.InvalidParameters,
                    $"{IdempotencyKey.Header} '{Shorten(idempotency!.Key)}' was already used with a different request; use a new key for a new request");
            case SubmitOutcome.Replayed:
                request.HttpContext.Response.Headers["Idempotent-Replayed"] = "true";
                break;
        }
        return TaskObjectMapper.ToWire(submitted.Task!, BaseUrl.FileUrls(request, options.Value, links));
    }

    private static string Shorten(string text) => text.Length <= 80 ? text : text[..80] + "…";
}
