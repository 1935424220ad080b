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
    /// Not a model parameter: where RunHub POSTs the task's end (checked and stored by the submit, docs/webhooks.md).
    /// </summary>
    public const string WebhookField = "webhookUrl";

    /// <summary>
    /// At most this many fields the model does not declare (or, in strict mode, fields given twice) are named, in a
    /// refusal or in <see cref="ValidationOutcome.IgnoredFields"/>; the rest are counted. A body may hold millions of
    /// fields within its size limit, and neither the work nor the answer may grow faster than the body.
    /// </summary>
    public const int MaxNamedFields = 20;

    /// <param name="strict">
    /// Refuse what RunningHub lets through: fields the model does not declare, a field given twice, a number or
    /// boolean for a STRING parameter. Off for the API (<c>RunHub:Api:StrictParameters</c>): RunningHub ignores unknown
    /// fields (its own ComfyUI nodes add <c>appCode</c> to every submit), and JSON readers keep a repeated field's last
    /// value. On for the <c>runhub</c> command, where a misspelt <c>-p</c> name is a mistake worth saying.
    /// </param>
    /// <returns>The outcome; a valid request's parameters are elements of <paramref name="body"/>'s document (or of
    /// the catalog, for defaults), not copies, so the caller keeps that document undisposed while it uses them.</returns>
    public static ValidationOutcome Validate(ModelEntry model, JsonElement body, bool strict)
    {
        if (body.ValueKind != JsonValueKind.Object)
            return ValidationOutcome.Invalid(["body: expected a JSON object"]);

        var errors = new List<string>();
        var ignored = new List<string>();
        var ignoredCount = 0;
        // Strict mode's refused fields, each named (the first MaxNamedFields) or counted once however often it is given:
        // its count is the number of field errors.
        var refused = strict ? new HashSet<string>(StringComparer.Ordinal) : null;
        var given = new Dictionary<string, JsonElement>(StringComparer.Ordinal);
        foreach (var property in body.EnumerateObject())
        {
            if (property.NameEquals(WebhookField)) continue;
            var field = property.Name;
            if (!Declares(model, field))
            {
                if (!strict)
                {
                    ignoredCount++;
                    // A search of at most MaxNamedFields names, so a body of many fields costs a bounded amount per field.
                    if (ignored.Count < MaxNamedFields && JsonValueText.Cap(field) is var name && !ignored.Contains(name)) ignored.Add(name);
                }
                else if (refused!.Add(field) && refused.Count <= MaxNamedFields) errors.Add($"{JsonValueText.Cap(field)}: not a parameter of {model.Endpoint}");
            }
            else if (!given.TryAdd(field, property.Value))
            {
                if (!strict) given[field] = property.Value;
                else if (refused!.Add(field) && refused.Count <= MaxNamedFields) errors.Add($"{JsonValueText.Cap(field)}: given more than once");
            }
        }
        var more = (refused?.Count ?? 0) - MaxNamedFields;
        if (more > 0)
            errors.Add(more == 1
                ? $"and 1 more field that {model.Endpoint} does not declare or that is given more than once"
                : $"and {more} more fields that {model.Endpoint} does not declare or that are given more than once");

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
            if (!strict && spec.Type == ParameterType.String && AsText(value) is { } text) value = text;
            if (ParameterRules.Check(spec, value, errors, media, oversized))
                parameters[spec.FieldKey] = value;
        }

        return errors.Count > 0
            ? ValidationOutcome.Invalid(errors, oversized.Count > 0 ? RunHubErrorCodes.FileTooLarge : RunHubErrorCodes.InvalidParameters)
            : ValidationOutcome.Valid(new ValidatedRequest(model, parameters, media), ignored, ignoredCount);
    }

    /// <summary>
    /// A number or boolean given for a STRING parameter, as the string of its JSON text (a seed of 42 is "42"), as
    /// RunningHub's Java backend reads it; null for any other value.
    /// </summary>
    private static JsonElement? AsText(JsonElement value) =>
        value.ValueKind is JsonValueKind.Number or JsonValueKind.True or JsonValueKind.False
            ? JsonSerializer.SerializeToElement(JsonValueText.Of(value))
            : null;

    private static bool Declares(ModelEntry model, string field)
    {
        foreach (var spec in model.Parameters)
            if (string.Equals(spec.FieldKey, field, StringComparison.Ordinal)) return true;
        return false;
    }

    /// <summary>
    /// Null and "" mean "not given" for every type: form-built clients send empty strings for the
    /// fields a user left blank. An empty list is not unset here; media fields judge it themselves.
    /// </summary>
    private static bool IsUnset(JsonElement value) =>
        value.ValueKind == JsonValueKind.Null || value.ValueKind == JsonValueKind.String && value.ValueEquals(""u8);
}
