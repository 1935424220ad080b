using Microsoft.Extensions.Primitives;

namespace RunHub.Wire;

/// <summary>
/// A request header, query parameter or form field that must come once. HTTP joins a header sent on several lines into
/// one value with commas (<c>a</c> and <c>b</c> become <c>a, b</c>), a value neither line meant: a key nobody holds, an
/// idempotency key no retry would send again alone; and of a query parameter or form field given twice, taking either
/// one would be a guess. So a repeated value is refused, saying so, rather than read.
/// </summary>
public static class SingleValue
{
    /// <summary>
    /// The value's text ("" when absent), or null with <paramref name="repeated"/> — the refusal's message,
    /// <c>NAME: sent N times; send it once</c> — when it came more than once.
    /// </summary>
    public static string? Text(StringValues values, string name, out string? repeated)
    {
        repeated = values.Count > 1 ? Repeated(name, values.Count) : null;
        return repeated is null ? values.ToString() : null;
    }

    /// <summary>The refusal's message for a value that came <paramref name="count"/> times: <c>NAME: sent N times; send it once</c>.</summary>
    public static string Repeated(string name, int count) => $"{name}: sent {count} times; send it once";
}
