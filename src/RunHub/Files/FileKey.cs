using System.Text.RegularExpressions;

namespace RunHub.Files;

/// <summary>Checks keys so a key can never climb out of the store's root.</summary>
public static partial class FileKey
{
    /// <summary>The folder of uploaded files' keys: <c>openapi/&lt;sha256&gt;.png</c> (RunningHub's upload file names).</summary>
    public const string UploadFolder = "openapi/";

    [GeneratedRegex(@"^[a-z0-9_\-]+(/[a-z0-9_\-]+)*\.[a-z0-9]{1,8}$")]
    private static partial Regex Shape();

    public static bool IsValid(string key) => key.Length <= 200 && Shape().IsMatch(key) && !key.Contains("..", StringComparison.Ordinal);
}
