using System.Text.Json;
using RunHub.Client;

namespace RunHub.Catalog;

/// <summary>
/// Checks a submit body against a model's parameter schema, reporting every problem at once
/// (a client fixing a request should not have to discover its mistakes one round trip at a time).
/// </summary>
public static class RequestValidator
{
    /// <summary>
    /// Accepted and ignored: RunningHub clients send a webhook URL with their parameters, and
    /// refusing it would break them. RunHub does not deliver webhooks yet; clients poll.
    /// </summary>
    public const string WebhookField = "webhookUrl";

    public static ValidationOutcome Validate(ModelEntry model, JsonElement body)
    {
        if (body.ValueKind != JsonValueKind.Object)
            return ValidationOutcome.Invalid(["body: expected a JSON object"]);

        var errors = new List<string>();
        var known = model.Parameters.Select(p => p.FieldKey).ToHashSet(StringComparer.Ordinal);
        var given = new Dictionary<string, JsonElement>(StringComparer.Ordinal);
        foreach (var property in body.EnumerateObject())
        {
            var name = JsonValueText.Cap(property.Name);
            if (property.NameEquals(WebhookField)) continue;
            if (!known.Contains(property.Name)) errors.Add($"{name}: not a parameter of {model.Endpoint}");
            else if (!given.TryAdd(property.Name, property.Value)) errors.Add($"{name}: given more than once");
        }

        var parameters = new Dictionary<string, JsonElement>(StringComparer.Ordinal);
        var media = new List<MediaReference>();
        var oversized = new List<string>();
        foreach (var spec in model.Parameters)
        {
            if (!given.TryGetValue(spec.FieldKey, out var value) || IsUnset(value))
            {
                // RunningHub's registry marks many settings required yet gives them a default its own
                // UI always sends; a client that leaves such a setting out means the default, so it is
                // filled in rather than refused. See ParameterSpec.AppliedDefault for why STRING and
                // media defaults are not.
                if (spec.AppliedDefault is { } fallback) parameters[spec.FieldKey] = fallback;
                else if (spec.Required) errors.Add($"{spec.FieldKey}: required");
                continue;
            }
            if (ParameterRules.Check(spec, value, errors, media, oversized))
                parameters[spec.FieldKey] = value.Clone();
        }

        return errors.Count > 0
            ? ValidationOutcome.Invalid(errors, oversized.Count > 0 ? RunHubErrorCodes.FileTooLarge : RunHubErrorCodes.InvalidParameters)
            : ValidationOutcome.Valid(new ValidatedRequest(model, parameters, media));
    }

    /// <summary>
    /// Null and "" mean "not given" for every type: form-built clients send empty strings for the
    /// fields a user left blank. An empty list is not unset here; media fields judge it themselves.
    /// </summary>
    private static bool IsUnset(JsonElement value) =>
        value.ValueKind == JsonValueKind.Null || value.ValueKind == JsonValueKind.String && value.GetString()!.Length == 0;
}
