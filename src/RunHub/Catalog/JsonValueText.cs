using System.Globalization;
using System.Text;
using System.Text.Json;

namespace RunHub.Catalog;

/// <summary>How parameter values are compared with options and price rules, and echoed in messages.</summary>
internal static class JsonValueText
{
    /// <summary>
    /// The value's string form: strings as they are, numbers by their JSON text (so 5 matches the
    /// option "5"), booleans as "true"/"false". Null for null, objects and arrays, which match nothing.
    /// </summary>
    public static string? Of(JsonElement? value) => value?.ValueKind switch
    {
        JsonValueKind.String => value.Value.GetString(),
        JsonValueKind.Number => value.Value.GetRawText(),
        JsonValueKind.True => "true",
        JsonValueKind.False => "false",
        _ => null,
    };

    /// <summary>A client-supplied value shown in an error message, cut short so a huge value cannot flood the reply.</summary>
    public static string Echo(JsonElement value, int limit = 50) => value.ValueKind == JsonValueKind.String
        ? Quote(value.GetString() ?? "", limit)
        : Cap(value.GetRawText(), limit);

    public static string Quote(string text, int limit = 50) => "\"" + Cap(text, limit) + "\"";

    /// <summary>Cuts by Unicode code points, never inside a surrogate pair.</summary>
    public static string Cap(string text, int limit = 50)
    {
        if (text.Length <= limit) return text;
        var builder = new StringBuilder();
        var count = 0;
        foreach (var rune in text.EnumerateRunes())
        {
            if (count++ == limit) return builder.Append('…').ToString();
            builder.Append(rune.ToString());
        }
        return builder.ToString();
    }

    public static int CodePoints(string text)
    {
        var count = 0;
        foreach (var _ in text.EnumerateRunes()) count++;
        return count;
    }

    /// <summary>Registry bounds (doubles) as a person would write them: 15, 0.5, 2000000.</summary>
    public static string Number(double value) => value.ToString("R", CultureInfo.InvariantCulture);
}
