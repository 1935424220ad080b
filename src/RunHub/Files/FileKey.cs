using System.Text.RegularExpressions;

namespace RunHub.Files;

/// <summary>Checks keys so a key can never climb out of the store's root.</summary>
public static partial class FileKey
{
    [GeneratedRegex(@"^[a-z0-9_\-]+(/[a-z0-9_\-]+)*\.[a-z0-9]{1,8}$")]
    private static partial Regex Shape();

    public static bool IsValid(string key) => key.Length <= 200 && Shape().IsMatch(key) && !key.Contains("..", StringComparison.Ordinal);
}
