using Microsoft.Extensions.Options;
using RunHub.Accounts;
using RunHub.Catalog;
using RunHub.Client;
using RunHub.Engines;

namespace RunHub.Api;

/// <summary>A request to run a model that passed every check before money moves: whose it is, the model, the validated parameters and their price.</summary>
public sealed record ModelRequest(string AccountId, ModelEntry Model, ValidatedRequest Validated, Money Price)
{
    /// <summary>The key that asked, with its own options (its spend cap applies to the submit).</summary>
    public required KeyAccess Key { get; init; }
}

/// <summary>
/// What a submit and a price preview of <c>/openapi/v2/{endpoint}</c> check, in this order, so both refuse the same
/// request the same way: the key (before any of the body is read), the model and the key's allow-list of models (its endpoint or one of its aliases), the
/// body within the model's limit (<see cref="BodyLimits.Submit"/>), the parameters against its schema, an engine that
/// can serve it, and its price. Fields the model does not declare are ignored and named in the debug log, unless
/// <c>RunHub:Api:StrictParameters</c> refuses them.
/// </summary>
public sealed class ModelRequests(AccountDirectory accounts, ModelCatalog catalog, EngineRegistry engines, BodyLimits limits,
    IOptions<RunHubOptions> options, ILogger<ModelRequests> logger)
{
    /// <summary>The checked request, or (with it null) the refusal to answer with, in the task object's shape.</summary>
    /// <exception cref="OperationCanceledException">The client went away while the body was read.</exception>
    public async Task<(ModelRequest? Request, TaskObject? Refusal)> ReadAsync(string? endpoint, HttpRequest request)
    {
        var key = BearerKey.From(request);
        if (key is null) return Refused(RunHubErrorCodes.InvalidApiKey, BearerKey.MissingMessage);
        var access = await accounts.AuthenticateKeyAsync(key);
        if (access is null) return Refused(RunHubErrorCodes.InvalidApiKey, BearerKey.InvalidMessage);

        endpoint = endpoint?.Trim('/') ?? "";
        var model = endpoint.Length > 0 && endpoint.Split('/').Length <= 3 ? catalog.Find(endpoint) : null;
        if (model is null)
            return Refused(RunHubErrorCodes.UnknownEndpoint, endpoint.Length == 0
                ? "no endpoint given: POST /openapi/v2/{model endpoint}"
                : $"unknown endpoint '{JsonValueText.Cap(endpoint, 80)}'");
        if (!access.Policy.Allows(model.Endpoint))
            return Refused(RunHubErrorCodes.ModelNotAllowed,
                $"this key may not use {model.Endpoint}; it may use {string.Join(", ", access.Policy.AllowedModels!)} (runhub keys limits)");

        var body = await limits.ReadAsync(request, limits.Submit(model));
        if (body.Error is not null) return Refused(body.ErrorCode!, body.Error);
        using var document = body.Document!;

        var outcome = RequestValidator.Validate(model, document.RootElement, options.Value.Api.StrictParameters);
        if (outcome.Request is not { } validated) return Refused(outcome.ErrorCode, outcome.ErrorMessage);
        if (outcome.IgnoredFields.Count > 0)
            logger.LogDebug("A request for {Endpoint} named fields the model does not declare, ignored: {Fields}",
                model.Endpoint, string.Join(", ", outcome.IgnoredFields));

        if (!engines.CanServe(model))
            return Refused(RunHubErrorCodes.ServiceUnavailable, $"no engine on this server can serve {model.Endpoint}");
        if (model.Price is null)
            return Refused(RunHubErrorCodes.ServiceUnavailable, $"{model.Endpoint} has no price on this server, so it cannot be run");
        if (model.Price.Quote(validated.Parameters) is not { } amount)
            return Refused(RunHubErrorCodes.InvalidParameters, $"{model.Endpoint}: no price is defined for this combination of parameters");
        return (new ModelRequest(access.AccountId, model, validated, amount) { Key = access }, null);
    }

    private static (ModelRequest?, TaskObject?) Refused(string code, string message) => (null, TaskObject.Error(code, message));
}
