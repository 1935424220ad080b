using System.Text.Json;
using RunHub.Accounts;
using RunHub.Api;
using RunHub.Client;

namespace RunHub.Workflows.Api;

/// <summary>
/// A call of RunningHub's workflow API (v1): the JSON body, and the account of its key — <c>apiKey</c> in the body, as
/// RunningHub's clients send it, or an <c>Authorization: Bearer</c> header, which some send instead. Either the
/// account, the SHA-256 hex of its key (<see cref="ApiKey.Hash"/>) and the body (the caller disposes it), or the refusal
/// to answer with: 301 for a body that is not a JSON object, 802 for a missing or unknown key.
/// </summary>
public sealed record WorkflowApiCall(string AccountId, string KeyHash, JsonDocument Body) : IDisposable
{
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
    public static async Task<(WorkflowApiCall? Call, Envelope<object>? Refusal)> ReadAsync(HttpRequest request, AccountDirectory accounts,
        BodyLimits limits, long limit)
    {
        var body = await limits.ReadAsync(request, limit);
        if (body.Error is not null) return (null, WorkflowApiAnswer.Error(RunHubErrorCodes.ParamsInvalid, body.Error));
        var document = body.Document!;
        var key = KeyOf(document.RootElement) ?? BearerKey.From(request);
        var (accountId, refusal) = await AuthenticateAsync(key, accounts);
        if (refusal is not null)
        {
            document.Dispose();
            return (null, refusal);
        }
        return (new WorkflowApiCall(accountId!, ApiKey.Hash(key!.Trim()), document), null);
    }

    /// <summary>The account of a key found elsewhere (a form field, the query string), or the 802 refusal.</summary>
    public static async Task<(string? AccountId, Envelope<object>? Refusal)> AuthenticateAsync(string? key, AccountDirectory accounts)
    {
        if (string.IsNullOrWhiteSpace(key))
            return (null, WorkflowApiAnswer.Error(RunHubErrorCodes.ApiKeyUnauthorized, "missing API key: send \"apiKey\" in the body (or Authorization: Bearer KEY)"));
        return await accounts.AuthenticateAsync(key.Trim()) is { } accountId
            ? (accountId, null)
            : (null, WorkflowApiAnswer.Error(RunHubErrorCodes.ApiKeyUnauthorized, BearerKey.InvalidMessage));
    }

    private static string? KeyOf(JsonElement root) =>
        (root.TryGetProperty("apiKey", out var key) || root.TryGetProperty("apikey", out key)) && key.ValueKind == JsonValueKind.String
            ? key.GetString()
            : null;
}
