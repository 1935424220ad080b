using System.Globalization;

namespace RunHub;

/// <summary>Durations as operators write them in settings: a number and a unit, <c>250ms</c>, <c>5s</c>, <c>30m</c>, <c>2h</c>, <c>7d</c>.</summary>
public static class Durations
{
    /// <summary>A list of durations separated by spaces or commas ("5s 5m 30m"); empty text is an empty list.</summary>
    /// <exception cref="FormatException">An entry is not a non-negative number with one of the units.</exception>
    public static IReadOnlyList<TimeSpan> ParseList(string? text) =>
        TryParseList(text, out var list, out var problem) ? list : throw new FormatException(problem);

    /// <summary>As <see cref="ParseList"/>; false with the reason (naming the entry) when an entry is malformed.</summary>
    public static bool TryParseList(string? text, out IReadOnlyList<TimeSpan> list, out string? problem)
    {
        var parsed = new List<TimeSpan>();
        list = parsed;
        problem = null;
        foreach (var entry in (text ?? "").Split([' ', ',', '\t'], StringSplitOptions.RemoveEmptyEntries))
        {
            if (!TryParse(entry, out var duration))
            {
                problem = $"'{entry}' is not a duration with a unit (ms, s, m, h, d)";
                return false;
            }
            parsed.Add(duration);
        }
        return true;
    }

    /// <summary>One duration: a non-negative number followed by <c>ms</c>, <c>s</c>, <c>m</c>, <c>h</c> or <c>d</c>.</summary>
    public static bool TryParse(string text, out TimeSpan duration)
    {
        duration = TimeSpan.Zero;
        var unitStart = text.Length;
        while (unitStart > 0 && char.IsAsciiLetter(text[unitStart - 1])) unitStart--;
        var unit = text[unitStart..].ToLowerInvariant();
        if (!double.TryParse(text[..unitStart], NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var number) || number > 1e9) return false;
        double? milliseconds = unit switch
        {
            "ms" => number,
            "s" => number * 1000,
            "m" => number * 60_000,
            "h" => number * 3_600_000,
            "d" => number * 86_400_000,
            _ => null,
        };
        if (milliseconds is null) return false;
        duration = TimeSpan.FromMilliseconds(milliseconds.Value);
        return true;
    }
}
