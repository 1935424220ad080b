using System.Text.RegularExpressions;

namespace RunHub.ApiDocs;

/// <summary>Compares a route pattern with an OpenAPI path, whatever their parameters are named or constrained.</summary>
public static partial class ApiPaths
{
    /// <summary>
    /// The path with each parameter reduced to <c>{}</c>: <c>/openapi/v2/{**endpoint}</c> and <c>/openapi/v2/{path}</c>
    /// both become <c>/openapi/v2/{}</c>. Leading slash added, trailing slash removed.
    /// </summary>
    public static string Shape(string pattern)
    {
        var path = "/" + Parameter().Replace(pattern, "{}").Trim('/');
        return path;
    }

    [GeneratedRegex(@"\{[^}]*\}")]
    private static partial Regex Parameter();
}
