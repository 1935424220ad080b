using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using RunHub.Catalog;

namespace RunHub.Workflows;

/// <summary>
/// Turns a <c>fieldValue</c> into the value a node input takes. RunningHub's clients send most values as text
/// (<c>"fieldValue": "1231231"</c> for a seed), so text that reads as what the input takes is accepted; anything else
/// is refused with what was expected. A workflow input takes what its exported value is (a number, a text, true or
/// false); an app input what its <see cref="AppField.FieldType"/> says, within its limits.
/// </summary>
internal static class FieldValues
{
    public const int MaxTextLength = 100_000;

    /// <summary>The value for an input whose current value in the graph is <paramref name="current"/>, or why not.</summary>
    public static (JsonNode? Value, string? Problem) ForInput(JsonElement given, JsonNode? current)
    {
        if (given.ValueKind is JsonValueKind.Object or JsonValueKind.Array)
            return (null, $"expected a single value, got {FieldReader.Kind(given)}");
        var kind = current is JsonValue v ? v.GetValueKind() : JsonValueKind.Null;
        return kind switch
        {
            JsonValueKind.Number => Number(given, integer: false),
            JsonValueKind.True or JsonValueKind.False => Boolean(given),
            JsonValueKind.String => Text(given, null),
            _ => (JsonNode.Parse(given.GetRawText()), null),
        };
    }

    /// <summary>The value for an app input of <paramref name="field"/>'s type and limits, or why not.</summary>
    public static (JsonNode? Value, string? Problem) ForAppField(JsonElement given, AppField field)
    {
        if (given.ValueKind is JsonValueKind.Object or JsonValueKind.Array)
            return (null, $"expected a single value, got {FieldReader.Kind(given)}");
        switch (field.FieldType)
        {
            case ParameterType.Int or ParameterType.Float:
                var (number, problem) = Number(given, integer: field.FieldType == ParameterType.Int);
                if (problem is not null) return (null, problem);
                var n = (double)Decimal(given)!.Value;
                if (field.Min is { } min && n < min) return (null, $"{Show(given)} is less than the minimum {Show(min)}");
                if (field.Max is { } max && n > max) return (null, $"{Show(given)} is more than the maximum {Show(max)}");
                return (number, null);
            case ParameterType.Boolean:
                return Boolean(given);
            case ParameterType.List:
                var text = JsonValueText.Of(given);
                return text is not null && field.Options.Contains(text)
                    ? (JsonValue.Create(text), null)
                    : (null, $"{JsonValueText.Echo(given)} is not one of {string.Join(", ", field.Options.Select(o => JsonValueText.Quote(o)))}");
            default:
                return Text(given, field.MaxLength);
        }
    }

    /// <summary>A number, or text that reads as one ("1231231", "7.5"); null otherwise.</summary>
    private static decimal? Decimal(JsonElement given) =>
        given.ValueKind == JsonValueKind.Number && given.TryGetDecimal(out var d) ? d
        : given.ValueKind == JsonValueKind.String
          && decimal.TryParse(given.GetString()?.Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out var parsed) ? parsed
        : null;

    private static (JsonNode?, string?) Number(JsonElement given, bool integer)
    {
        if (Decimal(given) is not { } value)
            return (null, $"expected {(integer ? "a whole number" : "a number")}, got {JsonValueText.Echo(given)}");

        if (value == decimal.Truncate(value))
        {
            if (value is >= long.MinValue and <= long.MaxValue) return (JsonValue.Create((long)value), null);
            if (value is > 0 and <= ulong.MaxValue) return (JsonValue.Create((ulong)value), null);
        }
        return integer ? (null, $"expected a whole number, got {JsonValueText.Echo(given)}") : (JsonValue.Create((double)value), null);
    }

    private static (JsonNode?, string?) Boolean(JsonElement given) => given.ValueKind switch
    {
        JsonValueKind.True => (JsonValue.Create(true), null),
        JsonValueKind.False => (JsonValue.Create(false), null),
        JsonValueKind.String when bool.TryParse(given.GetString()?.Trim(), out var b) => (JsonValue.Create(b), null),
        _ => (null, $"expected true or false, got {JsonValueText.Echo(given)}"),
    };

    private static (JsonNode?, string?) Text(JsonElement given, int? maxLength)
    {
        var text = JsonValueText.Of(given) ?? "";
        var limit = Math.Min(maxLength ?? MaxTextLength, MaxTextLength);
        return JsonValueText.CodePoints(text) > limit
            ? (null, $"the text is longer than {limit} characters")
            : (JsonValue.Create(text), null);
    }

    private static string Show(JsonElement value) => JsonValueText.Echo(value);

    private static string Show(double value) => value.ToString(CultureInfo.InvariantCulture);
}
