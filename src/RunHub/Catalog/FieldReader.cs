using System.Globalization;
using System.Text.Json;

namespace RunHub.Catalog;

/// <summary>
/// Reads one JSON object of a registry or pricing file, forgiving the registry's loose typing
/// (numbers where strings are expected and the reverse, null for absent) but failing with the
/// object's location and the field's name when a value cannot mean what the field needs.
/// </summary>
internal readonly struct FieldReader
{
    private readonly JsonElement _object;

    public FieldReader(JsonElement obj, string where)
    {
        Where = where;
        if (obj.ValueKind != JsonValueKind.Object)
            throw new CatalogFormatException($"{where}: expected a JSON object, got {Kind(obj)}");
        _object = obj;
    }

    /// <summary>Where the object is, for messages: file, model, parameter.</summary>
    public string Where { get; }

    /// <summary>The field's value, or null when it is absent or JSON null.</summary>
    public JsonElement? Get(string name) =>
        _object.TryGetProperty(name, out var value) && value.ValueKind != JsonValueKind.Null ? value : null;

    public CatalogFormatException Error(string name, string problem) => new($"{Where}, field \"{name}\": {problem}");

    public string RequiredString(string name)
    {
        var text = String(name);
        return string.IsNullOrWhiteSpace(text) ? throw Error(name, "required") : text;
    }

    public string? String(string name) => Get(name) switch
    {
        null => null,
        { ValueKind: JsonValueKind.String } v => v.GetString(),
        { ValueKind: JsonValueKind.Number } v => v.GetRawText(),
        { ValueKind: JsonValueKind.True } => "true",
        { ValueKind: JsonValueKind.False } => "false",
        { } v => throw Error(name, $"expected a string, got {Kind(v)}"),
    };

    public double? Number(string name)
    {
        switch (Get(name))
        {
            case null:
                return null;
            case { ValueKind: JsonValueKind.Number } v when v.TryGetDouble(out var number) && double.IsFinite(number):
                return number;
            case { ValueKind: JsonValueKind.String } v when string.IsNullOrWhiteSpace(v.GetString()):
                return null;
            case { ValueKind: JsonValueKind.String } v when double.TryParse(v.GetString(), NumberStyles.Float, CultureInfo.InvariantCulture, out var parsed) && double.IsFinite(parsed):
                return parsed;
            case { ValueKind: JsonValueKind.Number } v:
                throw Error(name, $"{JsonValueText.Cap(v.GetRawText())} is too large a number");
            case { } v:
                throw Error(name, $"expected a number, got {Kind(v)} {JsonValueText.Cap(v.GetRawText())}");
        }
    }

    public decimal? Decimal(string name)
    {
        switch (Get(name))
        {
            case null:
                return null;
            case { ValueKind: JsonValueKind.Number } v when v.TryGetDecimal(out var d):
                return d;
            case { ValueKind: JsonValueKind.String } v when decimal.TryParse(v.GetString(), NumberStyles.Float, CultureInfo.InvariantCulture, out var parsed):
                return parsed;
            case { ValueKind: JsonValueKind.Number } v:
                throw Error(name, $"{JsonValueText.Cap(v.GetRawText())} is too large a number");
            case { } v:
                throw Error(name, $"expected a number, got {Kind(v)} {JsonValueText.Cap(v.GetRawText())}");
        }
    }

    public int? Int(string name)
    {
        var value = Number(name);
        if (value is null) return null;
        if (value != Math.Floor(value.Value) || value < int.MinValue || value > int.MaxValue)
            throw Error(name, $"expected an integer, got {JsonValueText.Number(value.Value)}");
        return (int)value.Value;
    }

    public bool Bool(string name, bool fallback = false) => Get(name) switch
    {
        null => fallback,
        { ValueKind: JsonValueKind.True } => true,
        { ValueKind: JsonValueKind.False } => false,
        { ValueKind: JsonValueKind.String } v when bool.TryParse(v.GetString(), out var parsed) => parsed,
        { ValueKind: JsonValueKind.Number } v when v.GetRawText() is "0" or "1" => v.GetRawText() == "1",
        { } v => throw Error(name, $"expected true or false, got {JsonValueText.Cap(v.GetRawText())}"),
    };

    public JsonElement? Array(string name) => Get(name) switch
    {
        null => null,
        { ValueKind: JsonValueKind.Array } v => v,
        { } v => throw Error(name, $"expected an array, got {Kind(v)}"),
    };

    public static string Kind(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.Object => "an object",
        JsonValueKind.Array => "an array",
        JsonValueKind.String => "a string",
        JsonValueKind.Number => "a number",
        JsonValueKind.True or JsonValueKind.False => "a boolean",
        JsonValueKind.Null => "null",
        _ => "nothing",
    };
}
