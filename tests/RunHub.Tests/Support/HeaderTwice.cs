namespace RunHub.Tests.Support;

/// <summary>
/// Request headers for <see cref="RawHttp"/> with one header name on two lines of its own, as HttpClient cannot send
/// them: it joins a header's values into one line (and a server joins two lines into one value, <c>a,b</c>).
/// </summary>
internal static class HeaderTwice
{
    /// <summary>
    /// <c>Authorization: Bearer bearerKey</c> first (none when null), then <c>Content-Type</c>, then
    /// <c>name: first</c> and <c>name: second</c>.
    /// </summary>
    public static KeyValuePair<string, string>[] Lines(string name, string first, string second, string? bearerKey = null,
        string contentType = "application/json")
    {
        KeyValuePair<string, string>[] rest = [new("Content-Type", contentType), new(name, first), new(name, second)];
        return bearerKey is null ? rest : [new("Authorization", "Bearer " + bearerKey), .. rest];
    }
}
