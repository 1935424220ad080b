using System.Collections.Concurrent;
using System.Text;

namespace RunHub.Data;

/// <summary>
/// A SQL text with named parameters (<c>@name</c>) rewritten once to PostgreSQL's positional ones (<c>$1</c>, <c>$2</c>, in
/// the order the caller lists the names), so that Npgsql can send it as it is. Npgsql rewrites a command with named
/// parameters on every execution (it scans the whole text for parameters and statement boundaries), but sends a
/// command whose parameters are all positional without looking at it ("raw" mode): for the reads every request makes
/// (<see cref="PostgresDatabase.ReadFirstAsync{T}"/>) the scan is done once per SQL text here instead. A text in raw mode
/// must be a single statement. Quoted strings (<c>'...'</c>), quoted names (<c>"..."</c>) and <c>--</c> comments are left
/// alone; an <c>@</c> not followed by one of the given names is left as it is.
/// </summary>
internal static class PositionalSql
{
    /// <summary>More texts than this are rewritten again on every call rather than kept: they are not a fixed set (a bug).</summary>
    private const int MaxKept = 256;

    private static readonly ConcurrentDictionary<string, Rewritten> Kept = new(StringComparer.Ordinal);

    /// <summary>The text with <c>$n</c> for each of <paramref name="names"/> (<c>@names[n-1]</c>), kept for the next call with the same text.</summary>
    /// <exception cref="ArgumentException">The names are not the ones the text was first rewritten for.</exception>
    public static string Of(string sql, ReadOnlySpan<(string Name, object? Value)> parameters)
    {
        if (Kept.TryGetValue(sql, out var kept))
        {
            if (kept.Names.Length != parameters.Length) throw Mismatch(sql);
            for (var i = 0; i < parameters.Length; i++)
                if (!string.Equals(kept.Names[i], parameters[i].Name, StringComparison.Ordinal)) throw Mismatch(sql);
            return kept.Text;
        }
        var names = new string[parameters.Length];
        for (var i = 0; i < parameters.Length; i++) names[i] = parameters[i].Name;
        var rewritten = new Rewritten(Rewrite(sql, names), names);
        if (Kept.Count < MaxKept) Kept.TryAdd(sql, rewritten);
        return rewritten.Text;
    }

    private static ArgumentException Mismatch(string sql) =>
        new($"The statement is always called with the same parameters in the same order: {sql}", nameof(sql));

    /// <summary>The rewriting itself: each <c>@name</c> of <paramref name="names"/> outside quotes and comments becomes <c>$n</c>.</summary>
    internal static string Rewrite(string sql, string[] names)
    {
        var text = new StringBuilder(sql.Length);
        var i = 0;
        while (i < sql.Length)
        {
            var c = sql[i];
            if (c is '\'' or '"')
            {
                // To the closing quote; a doubled quote inside is part of the string and closes and reopens it here.
                var end = sql.IndexOf(c, i + 1);
                end = end < 0 ? sql.Length : end + 1;
                text.Append(sql, i, end - i);
                i = end;
            }
            else if (c == '-' && i + 1 < sql.Length && sql[i + 1] == '-')
            {
                var end = sql.IndexOf('\n', i);
                end = end < 0 ? sql.Length : end;
                text.Append(sql, i, end - i);
                i = end;
            }
            else if (c == '@' && Named(sql, i + 1) is var length && length > 0
                && Array.IndexOf(names, sql.Substring(i + 1, length)) is var place && place >= 0)
            {
                text.Append('$').Append(place + 1);
                i += 1 + length;
            }
            else
            {
                text.Append(c);
                i++;
            }
        }
        return text.ToString();
    }

    /// <summary>The length of the name that starts at <paramref name="start"/> (letters, digits, underscores; not a digit first).</summary>
    private static int Named(string sql, int start)
    {
        var end = start;
        while (end < sql.Length && (char.IsAsciiLetterOrDigit(sql[end]) || sql[end] == '_')) end++;
        return end > start && !char.IsAsciiDigit(sql[start]) ? end - start : 0;
    }

    private sealed record Rewritten(string Text, string[] Names);
}
