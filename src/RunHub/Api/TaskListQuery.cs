using System.Globalization;
using RunHub.Tasks;

namespace RunHub.Api;

/// <summary>The query string of a task list (<see cref="TaskListEndpoint"/>, the console's tasks page), checked.</summary>
public sealed record TaskListQuery(TaskFilter Filter, int Limit)
{
    /// <summary>The query, or null with every problem in <paramref name="error"/> ("limit: ...; status: ...").</summary>
    public static TaskListQuery? Parse(IQueryCollection query, int defaultLimit, out string? error)
    {
        var problems = new List<string>();
        var limit = defaultLimit;
        if (Text(query, "limit") is { } limitText &&
            (!int.TryParse(limitText, NumberStyles.None, CultureInfo.InvariantCulture, out limit) || limit is < 1 or > TaskListing.MaxPageSize))
            problems.Add($"limit: '{Shorten(limitText)}' is not a whole number from 1 to {TaskListing.MaxPageSize}");
        var cursor = Text(query, "cursor");
        if (cursor is not null && !(cursor.Length == 19 && cursor.All(char.IsAsciiDigit)))
            problems.Add($"cursor: '{Shorten(cursor)}' is not a cursor; pass the nextCursor of the previous page");
        var status = Text(query, "status")?.ToUpperInvariant();
        if (status is not null && !TaskStatuses.All.Contains(status))
            problems.Add($"status: '{Shorten(status)}' is not one of {string.Join(", ", TaskStatuses.All)}");
        var since = Time(query, "since", problems);
        var before = Time(query, "before", problems);
        error = problems.Count > 0 ? string.Join("; ", problems) : null;
        return error is null ? new TaskListQuery(new TaskFilter(Text(query, "endpoint")?.Trim('/'), status, since, before, cursor), limit) : null;
    }

    /// <summary>An ISO 8601 date or time (UTC unless it carries an offset) or Unix milliseconds.</summary>
    public static bool TryParseTime(string text, out DateTimeOffset time)
    {
        if (long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var ms) && text.Length >= 10)
        {
            time = DateTimeOffset.FromUnixTimeMilliseconds(Math.Min(ms, 253402300799999));
            return true;
        }
        return DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out time);
    }

    private static DateTimeOffset? Time(IQueryCollection query, string name, List<string> problems)
    {
        if (Text(query, name) is not { } text) return null;
        if (TryParseTime(text, out var time)) return time;
        problems.Add($"{name}: '{Shorten(text)}' is not a date (2026-11-30, 2026-11-30T08:00:00Z) or Unix milliseconds");
        return null;
    }

    private static string? Text(IQueryCollection query, string name) =>
        query[name].ToString().Trim() is { Length: > 0 } text ? text : null;

    private static string Shorten(string text) => text.Length <= 40 ? text : text[..40] + "…";
}
