using System.Text.RegularExpressions;

namespace RunHub.Client;

/// <summary>Checks names that come from a server before they become paths on this machine.</summary>
internal static partial class SafeFileNames
{
    /// <summary>Task ids are 19 digits on RunHub and RunningHub; letters, '-' and '_' are allowed for other servers, nothing that can name a path.</summary>
    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$", RegexOptions.CultureInvariant)]
    private static partial Regex StemShape();

    /// <summary><paramref name="serverValue"/> when it can be a file name's stem.</summary>
    /// <exception cref="RunHubException"><see cref="RunHubErrorCodes.InvalidResponse"/>: it could name another folder, a device or a hidden file.</exception>
    /// <remarks>The exception does not carry the value as its task id: it is not one, and may hold terminal control characters.</remarks>
    public static string Stem(string serverValue) =>
        StemShape().IsMatch(serverValue)
            ? serverValue
            : throw new RunHubException(RunHubErrorCodes.InvalidResponse,
                $"the server's task id {Shown(serverValue)} cannot name a file (only letters, digits, '-' and '_', at most 64); nothing was saved");

    /// <summary><paramref name="fileName"/> joined to <paramref name="folder"/>, checked to stay directly inside it.</summary>
    /// <exception cref="RunHubException"><see cref="RunHubErrorCodes.InvalidResponse"/>: the joined path leaves the folder.</exception>
    public static string Inside(string folder, string fileName, string? taskId)
    {
        var root = Path.GetFullPath(folder);
        var path = Path.GetFullPath(Path.Combine(root, fileName));
        if (!string.Equals(Path.GetDirectoryName(path), Path.TrimEndingDirectorySeparator(root), StringComparison.Ordinal))
            throw new RunHubException(RunHubErrorCodes.InvalidResponse, $"the result name {Shown(fileName)} leaves the folder {root}; nothing was saved", taskId);
        return path;
    }

    /// <summary>The value as JSON would quote it, cut short: it came from the server and may hold anything.</summary>
    private static string Shown(string value) =>
        System.Text.Json.JsonSerializer.Serialize(value.Length > 80 ? value[..80] + "…" : value);
}
