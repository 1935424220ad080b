using System.Text.Json;
using RunHub.Accounts;
using RunHub.Api;
using RunHub.Client;

namespace RunHub.Workflows.Api;

/// <summary>
/// A call of RunningHub's workflow API (v1): the JSON body, and the live key that sent it — <c>apiKey</c> in the body, as
/// RunningHub's clients send it, or an <c>Authorization: Bearer</c> header, which some send instead. Either the key (its
/// account, hash and options; <see cref="KeyAccess"/>) and the body (the caller disposes it), or the refusal to answer
/// with: 301 for a body that is not a JSON object, 802 for a missing or unknown key (or, without <c>apiKey</c>, an
/// <c>Authorization</c> header sent twice), 1003 for a key past its request
/// rate (<see cref="RequestKeys"/>, which every v1 call's key goes through, wherever it came from).
/// </summary>
public sealed record WorkflowApiCall(KeyAccess Key, JsonDocument Body) : IDisposable
{
    /// <summary>
    /// When a v1 call that takes its key from the body (<c>apiKey</c>) first refuses it, as the OpenAPI document's refusal
    /// lists say (802): the header is read, and a repeated one refused, only without a key in the body.
    /// </summary>
    public const string KeyRefusedWhen = "missing, invalid or revoked key, or (with no `apiKey` in the body) Authorization sent twice";

    public string AccountId => Key.AccountId;

    /// <summary>SHA-256 hex of the key (<see cref="ApiKey.Hash"/>).</summary>
    public string KeyHash => Key.KeyHash;

    public JsonElement Root => Body.RootElement;

    /// <summary>A string field of the body (a number is taken as its text, as RunningHub's ids often come as numbers).</summary>
    public string? Text(string name) =>
        Root.TryGetProperty(name, out var value)
            ? value.ValueKind switch
            {
                JsonValueKind.String => value.GetString(),
                JsonValueKind.Number => value.GetRawText(),
                _ => null,
            }
            : null;

    public void Dispose() => Body.Dispose();

    /// <param name="limit">The most of the body read, in bytes (<see cref="BodyLimits"/>).</param>
    public static async Task<(WorkflowApiCall? Call, Envelope<object>? Refusal)> ReadAsync(HttpRequest request, RequestKeys keys,
        BodyLimits limits, long limit)
    {
        var body = await limits.ReadAsync(request, limit);
        if (body.Error is not null) return (null, WorkflowApiAnswer.Error(RunHubErrorCodes.ParamsInvalid, body.Error));
        var document = body.Document!;
        string? repeated = null;
        var (key, refusal) = await AuthenticateAsync(request.HttpContext, KeyOf(document.RootElement) ?? BearerKey.From(request, out repeated), keys, repeated);
        if (key is null)
        {
            document.Dispose();
            return (null, refusal);
        }
        return (new WorkflowApiCall(key, document), null);
    }

    /// <summary>
    /// The live key of a key found elsewhere (a form field, the query string), or the refusal: 802, or 1003 past its rate;
    /// 802 too when <paramref name="repeated"/> says what was read for the key (the <c>Authorization</c> header, the query's
    /// or the form's <c>apiKey</c>) came more than once (<see cref="RequestKeys.CheckAsync"/>, <see cref="Wire.SingleValue"/>).
    /// </summary>
    /// <param name="missingMessage">What a call without a key is told; by default, to send <c>apiKey</c> in the JSON body.</param>
    public static async Task<(KeyAccess? Key, Envelope<object>? Refusal)> AuthenticateAsync(HttpContext context, string? key, RequestKeys keys,
        string? repeated = null, string missingMessage = "missing API key: send \"apiKey\" in the body (or Authorization: Bearer KEY)")
    {
        var check = await keys.CheckAsync(context, key, missingMessage, repeated);
        return check.Access is { } access ? (access, null) : (null, WorkflowApiAnswer.Error(check.Code(RunHubErrorCodes.ApiKeyUnauthorized), check.Message));
    }

    private static string? KeyOf(JsonElement root) =>
        (root.TryGetProperty("apiKey", out var key) || root.TryGetProperty("apikey", out key)) && key.ValueKind == JsonValueKind.String
            ? key.GetString()
            : null;
}
