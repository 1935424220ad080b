using System.Text.RegularExpressions;

namespace RunHub.Files;

/// <summary>Checks keys so a key can never climb out of the store's root.</summary>
public static partial class FileKey
{
    [GeneratedRegex(@"^[a-z0-9_\-]+(/[a-z0-9_\-]+)*\.[a-z0-9]{1,8}$")]
    private static partial Regex Shape();

    [GeneratedRegex("^[a-z0-9]{1,8}$")]
    private static partial Regex ExtensionShape();

    public static bool IsValid(string key) => key.Length <= 200 && Shape().IsMatch(key) && !key.Contains("..", StringComparison.Ordinal);

    /// <summary>
    /// <paramref name="candidate"/> (an engine's or a backend's word for a file's type: "png", ".PNG") as a key's
    /// extension, or null when it is not 1 to 8 letters and digits and so could carry a path or odd characters.
    /// </summary>
    public static string? Extension(string? candidate)
    {
        var extension = candidate?.Trim().TrimStart('.').ToLowerInvariant();
        return extension is not null && ExtensionShape().IsMatch(extension) ? extension : null;
    }
}
