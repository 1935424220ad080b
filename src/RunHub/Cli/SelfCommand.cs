namespace RunHub.Cli;

/// <summary>
/// How a shell runs this same program again, for command lines that are printed to be pasted (the first operator's
/// <c>admin create</c>): <c>runhub</c> when that name on the PATH is this program (an installed .NET tool, a link in
/// <c>/usr/local/bin</c>); else the path of the executable running now (the one <c>dotnet run</c> built, or a
/// self-contained one outside the PATH); else, when the dotnet host runs the assembly, <c>dotnet path/runhub.dll</c>
/// (the host by its path too when <c>dotnet</c> on the PATH is another one).
/// </summary>
public static class SelfCommand
{
    /// <summary>The words that start this program from a POSIX shell, each path quoted where the shell needs it.</summary>
    public static string Invocation() =>
        Invocation(Environment.ProcessPath, typeof(SelfCommand).Assembly.Location, Environment.GetEnvironmentVariable("PATH"));

    /// <param name="processPath">The running executable (<see cref="Environment.ProcessPath"/>), null when unknown.</param>
    /// <param name="assemblyPath">This program's main assembly, run by the dotnet host when that is the process.</param>
    /// <param name="searchPath">The PATH variable: folders separated by <see cref="Path.PathSeparator"/>.</param>
    public static string Invocation(string? processPath, string assemblyPath, string? searchPath)
    {
        if (string.IsNullOrEmpty(processPath)) return "runhub";
        if (Path.GetFileNameWithoutExtension(processPath).Equals("dotnet", StringComparison.OrdinalIgnoreCase))
            return string.IsNullOrEmpty(assemblyPath) ? "runhub" : $"{Word(processPath, searchPath)} {Quoted(assemblyPath)}";
        return Word(processPath, searchPath);
    }

    /// <summary>The executable's bare name when the shell finds this very file by it on the PATH, else its path.</summary>
    private static string Word(string executable, string? searchPath)
    {
        var name = Path.GetFileName(executable);
        var self = Resolved(executable);
        foreach (var folder in (searchPath ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
        {
            var candidate = Path.Combine(folder, name);
            // The first executable match is what the shell runs: only when it is this file is the bare name right.
            if (IsExecutable(candidate)) return Resolved(candidate) == self ? name : Quoted(executable);
        }
        return Quoted(executable);
    }

    /// <summary>
    /// The text as one word of a POSIX shell: as it is when it holds only characters no shell treats specially, else in
    /// single quotes (a quote inside becomes <c>'\''</c>), so <c>$</c>, backquotes and spaces are taken literally.
    /// </summary>
    public static string Quoted(string text) =>
        text.Length > 0 && text.All(c => char.IsAsciiLetterOrDigit(c) || "/._-+=:,@%".Contains(c, StringComparison.Ordinal))
            ? text
            : "'" + text.Replace("'", "'\\''", StringComparison.Ordinal) + "'";

    private static bool IsExecutable(string path)
    {
        if (!File.Exists(path)) return false;
        if (OperatingSystem.IsWindows()) return true;
        const UnixFileMode anyExecute = UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute;
        return (File.GetUnixFileMode(path) & anyExecute) != 0;
    }

    private static string Resolved(string path)
    {
        var full = Path.GetFullPath(path);
        try
        {
            return File.ResolveLinkTarget(full, returnFinalTarget: true)?.FullName ?? full;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return full;
        }
    }
}
