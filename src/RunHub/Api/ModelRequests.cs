using System.Text.Json;
using Microsoft.Extensions.Options;
using RunHub.Accounts;
using RunHub.Catalog;
using RunHub.Client;
using RunHub.Engines;
using RunHub.Media;
using RunHub.Webhooks;

namespace RunHub.Api;

/// <summary>
/// A request to run a model that passed every check before money moves: whose it is (the account and the SHA-256 hex of
/// the key that sent it; null for a run from the console's playground, which no key sends), the model, the validated parameters, their price, and the checked <c>webhookUrl</c> (null when
/// none was given; docs/webhooks.md).
/// </summary>
public sealed record ModelRequest(string AccountId, string? KeyHash, ModelEntry Model, ValidatedRequest Validated, Money Price, string? WebhookUrl)
{
    /// <summary>The key's own options (<c>runhub keys limits</c>): its spend cap applies to the submit. None for the playground.</summary>
    public KeyPolicy KeyPolicy { get; init; } = KeyPolicy.None;
}

/// <summary>
/// What a submit and a price preview of <c>/openapi/v2/{endpoint}</c> check, in this order, so both refuse the same
/// request the same way: the key (before any of the body is read), the model (its endpoint or one of its aliases) and
/// the key's allow-list of models, the body within the model's limit (<see cref="BodyLimits.Submit"/>), the parameters
/// against its schema, the <c>webhookUrl</c> (<see cref="WebhookUrl.Problem"/>), an engine that can serve it, and its
/// price. Fields the model does not declare are ignored and named in the debug log, unless
/// <c>RunHub:Api:StrictParameters</c> refuses them.
/// </summary>
public sealed class ModelRequests(RequestKeys keys, ModelCatalog catalog, EngineRegistry engines, BodyLimits limits,
    IOptions<RunHubOptions> options, ILogger<ModelRequests> logger)
{
    /// <summary>The checked request, or (with it null) the refusal to answer with, in the task object's shape. Its
    /// parameters refer to the request's parsed body, which is disposed when the response is done.</summary>
    /// <exception cref="OperationCanceledException">The client went away while the body was read.</exception>
    public async Task<(ModelRequest? Request, TaskObject? Refusal)> ReadAsync(string? endpoint, HttpRequest request)
    {
        var key = await keys.CheckBearerAsync(request);
        if (key.Access is not { } access) return Refused(key.Code(RunHubErrorCodes.InvalidApiKey), key.Message);

        endpoint = endpoint?.Trim('/') ?? "";
        var model = endpoint.Length > 0 && endpoint.Split('/').Length <= 3 ? catalog.Find(endpoint) : null;
        if (model is null)
            return Refused(RunHubErrorCodes.UnknownEndpoint, endpoint.Length == 0
                ? "no endpoint given: POST /openapi/v2/{model endpoint}"
                : $"unknown endpoint '{JsonValueText.Cap(endpoint, 80)}'");
        if (!access.Policy.Allows(model.Endpoint))
            return Refused(RunHubErrorCodes.ModelNotAllowed, access.Policy.NotAllowedMessage(model.Endpoint));

        var body = await limits.ReadAsync(request, limits.Submit(model));
        if (body.Error is not null) return Refused(body.ErrorCode!, body.Error);
        // The checked parameters are the body's own elements, not copies (RequestValidator.Validate): the document
        // lives as long as the request, for the submit or the price preview that uses them.
        var document = body.Document!;
        request.HttpContext.Response.RegisterForDispose(document);
        var (checkedRequest, refusal) = Check(access.AccountId, access.KeyHash, model, document.RootElement);
        return checkedRequest is null ? (null, refusal) : (checkedRequest with { KeyPolicy = access.Policy }, null);
    }

    /// <summary>
    /// The checks after the key, the model and the body are known: <paramref name="body"/> against the model's schema,
    /// its <c>webhookUrl</c>, an engine that can serve it, its price. The console's playground, which has its signed-in account and its
    /// model already, checks its runs here, so they are refused exactly as the same call with a key would be.
    /// </summary>
    /// <returns>The checked request, or (with it null) the refusal: 1007 (schema, price rule) or 1010 (no engine, no price).</returns>
    /// <param name="keyHash">SHA-256 hex of the key that sent it, or null when no key did (the playground).</param>
    /// <param name="body">The request's body; its document must stay undisposed while the answer's parameters are used.</param>
    public (ModelRequest? Request, TaskObject? Refusal) Check(string accountId, string? keyHash, ModelEntry model, JsonElement body)
    {
        var outcome = RequestValidator.Validate(model, body, options.Value.Api.StrictParameters);
        if (outcome.Request is not { } validated) return Refused(outcome.ErrorCode, outcome.ErrorMessage);
        if (outcome.IgnoredFieldCount > 0 && logger.IsEnabled(LogLevel.Debug))
            logger.LogDebug("A request for {Endpoint} named {Count} fields the model does not declare, ignored: {Fields}",
                model.Endpoint, outcome.IgnoredFieldCount, string.Join(", ", outcome.IgnoredFields) + (outcome.IgnoredFieldCount > outcome.IgnoredFields.Count ? ", …" : ""));
        var (webhookUrl, webhookProblem) = WebhookUrl.Read(body, new NetworkPolicy(options.Value.Media));
        if (webhookProblem is not null) return Refused(RunHubErrorCodes.InvalidParameters, webhookProblem);

        if (!engines.CanServe(model))
            return Refused(RunHubErrorCodes.ServiceUnavailable, $"no engine on this server can serve {model.Endpoint}");
        if (model.Price is null)
            return Refused(RunHubErrorCodes.ServiceUnavailable, $"{model.Endpoint} has no price on this server, so it cannot be run");
        if (model.Price.Quote(validated.Parameters) is not { } amount)
            return Refused(RunHubErrorCodes.InvalidParameters, $"{model.Endpoint}: no price is defined for this combination of parameters");
        return (new ModelRequest(accountId, keyHash, model, validated, amount, webhookUrl), null);
    }

    private static (ModelRequest?, TaskObject?) Refused(string code, string message) => (null, TaskObject.Error(code, message));
}
