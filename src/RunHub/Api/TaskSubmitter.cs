using System.Text.Json;
using RunHub.Catalog;
using RunHub.Client;
using RunHub.Engines;
using RunHub.Tasks;
using RunHub.Wire;

namespace RunHub.Api;

/// <summary>
/// The rules of a submit after the key: find the model, validate the body against its schema, price it, honour an
/// idempotency key, reserve the price and queue the task. The API's submit and the console's playground both go
/// through here, so a console user's run is checked and charged exactly as their key's would be.
/// </summary>
public sealed class TaskSubmitter(ModelCatalog catalog, EngineRegistry engines, TaskQueue queue)
{
    /// <summary>The task object to answer with: the created (or replayed) task, or a refusal (1001, 1007, 1010, 812).</summary>
    /// <param name="accountId">The authenticated account that pays.</param>
    /// <param name="model">The model, found by <see cref="Find"/>.</param>
    /// <param name="body">The request body: the model's parameters as a JSON object.</param>
    /// <param name="idempotencyKeyText">The <c>Idempotency-Key</c> header, or null.</param>
    /// <param name="fileUrl">Turns a stored file's key into the URL this caller is given.</param>
    /// <param name="replayed">Set when the answer is an earlier task replayed for the same idempotency key.</param>
    public async Task<(TaskObject Answer, bool Replayed)> SubmitAsync(string accountId, ModelEntry model, JsonElement body,
        string? idempotencyKeyText, Func<string, string> fileUrl)
    {
        var outcome = RequestValidator.Validate(model, body);
        if (outcome.Request is not { } validated)
            return (TaskObject.Error(RunHubErrorCodes.InvalidParameters, string.Join("; ", outcome.Errors)), false);

        if (!engines.CanServe(model))
            return (TaskObject.Error(RunHubErrorCodes.ServiceUnavailable, $"no engine on this server can serve {model.Endpoint}"), false);
        if (model.Price is null)
            return (TaskObject.Error(RunHubErrorCodes.ServiceUnavailable, $"{model.Endpoint} has no price on this server, so it cannot be run"), false);
        if (model.Price.Quote(validated.Parameters) is not { } amount)
            return (TaskObject.Error(RunHubErrorCodes.InvalidParameters, $"{model.Endpoint}: no price is defined for this combination of parameters"), false);

        var parameters = JsonSerializer.Serialize(validated.Parameters, WireJson.Options);
        IdempotencyKey? idempotency = null;
        if (idempotencyKeyText is { Length: > 0 })
        {
            idempotency = IdempotencyKey.From(idempotencyKeyText, model.Endpoint, parameters, out var keyError);
            if (idempotency is null) return (TaskObject.Error(RunHubErrorCodes.InvalidParameters, keyError!), false);
        }

        var submitted = await queue.SubmitAsync(accountId, model.Endpoint, parameters, amount, idempotency);
        return submitted.Outcome switch
        {
            SubmitOutcome.InsufficientBalance =>
                (TaskObject.Error(RunHubErrorCodes.InsufficientBalance, $"wallet balance too low: this task costs {amount} CNY"), false),
            SubmitOutcome.KeyReused => (TaskObject.Error(RunHubErrorCodes.InvalidParameters,
                $"{IdempotencyKey.Header} '{Shorten(idempotency!.Key)}' was already used with a different request; use a new key for a new request"), false),
            _ => (TaskObjectMapper.ToWire(submitted.Task!, fileUrl), submitted.Outcome == SubmitOutcome.Replayed),
        };
    }

    /// <summary>The model <paramref name="endpoint"/> (as the caller wrote it, 1 to 3 path segments) names; else null and the 1001 answer.</summary>
    public ModelEntry? Find(string? endpoint, out TaskObject? refusal)
    {
        endpoint = endpoint?.Trim('/') ?? "";
        var segments = endpoint.Split('/');
        var model = segments.Length is >= 1 and <= 3 && endpoint.Length > 0 ? catalog.Find(endpoint) : null;
        refusal = model is not null ? null : TaskObject.Error(RunHubErrorCodes.UnknownEndpoint, endpoint.Length == 0
            ? "no endpoint given: POST /openapi/v2/{model endpoint}"
            : $"unknown endpoint '{Shorten(endpoint)}'");
        return model;
    }

    private static string Shorten(string text) => text.Length <= 80 ? text : text[..80] + "…";
}
