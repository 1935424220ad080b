namespace RunHub.Api;

/// <summary>
/// Runs before routing so that every API route sees one spelling of a path: repeated slashes are one
/// (<c>/openapi/v2//query</c> is <c>/openapi/v2/query</c>, as clients that join a base URL ending in '/' send it) and a
/// trailing slash is dropped. Before this, <c>//query</c> reached the submit route and answered "unknown endpoint".
/// Paths outside the API's families (pages, where a trailing slash changes what relative links mean) are left alone.
/// </summary>
public static class PathNormalization
{
    public static void Use(IApplicationBuilder app) => app.Use((context, next) =>
    {
        var path = context.Request.Path.Value;
        if (path is { Length: > 1 } && (path.Contains("//", StringComparison.Ordinal) || path.EndsWith('/'))
            && Normalize(path) is var normalized && AnswerShapes.Of(normalized) != AnswerShape.None)
            context.Request.Path = normalized;
        return next(context);
    });

    public static string Normalize(string path)
    {
        var builder = new System.Text.StringBuilder(path.Length);
        foreach (var c in path)
            if (c != '/' || builder.Length == 0 || builder[^1] != '/') builder.Append(c);
        if (builder.Length > 1 && builder[^1] == '/') builder.Length--;
        return builder.ToString();
    }
}
