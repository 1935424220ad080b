using System.Globalization;
using System.Text.Json;

namespace RunHub.Client;

/// <summary>Reads RunningHub's loosely typed JSON: ids, codes and amounts arrive as strings or as numbers.</summary>
internal static class JsonText
{
    /// <summary>
    /// A property as text: a string as is, a number from its raw digits (never through double, so a 19-digit
    /// task id stays exact), true/false as words; null when absent or JSON null.
    /// </summary>
    public static string? Read(JsonElement obj, string name) =>
        obj.ValueKind == JsonValueKind.Object && obj.TryGetProperty(name, out var value) ? Of(value) : null;

    /// <summary>The first of several alternative property names that holds a non-empty value.</summary>
    public static string? ReadFirst(JsonElement obj, params string[] names)
    {
        foreach (var name in names)
        {
            var text = Read(obj, name);
            if (!string.IsNullOrEmpty(text)) return text;
        }
        return null;
    }

    public static string? Of(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.String => value.GetString(),
        JsonValueKind.Number => value.GetRawText(),
        JsonValueKind.True => "true",
        JsonValueKind.False => "false",
        _ => null,
    };

    public static decimal? Decimal(JsonElement obj, string name) =>
        decimal.TryParse(Read(obj, name), NumberStyles.Float, CultureInfo.InvariantCulture, out var number) ? number : null;

    public static long? Integer(JsonElement obj, string name) =>
        long.TryParse(Read(obj, name), NumberStyles.Integer, CultureInfo.InvariantCulture, out var number) ? number : null;

    public static bool Has(JsonElement obj, string name) => obj.ValueKind == JsonValueKind.Object && obj.TryGetProperty(name, out _);

    /// <summary>A property that must be an object or array, else <see langword="default"/> (<see cref="JsonValueKind.Undefined"/>).</summary>
    public static JsonElement Child(JsonElement obj, string name, JsonValueKind kind) =>
        obj.ValueKind == JsonValueKind.Object && obj.TryGetProperty(name, out var value) && value.ValueKind == kind ? value : default;
}
