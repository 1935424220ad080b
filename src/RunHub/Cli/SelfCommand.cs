namespace RunHub.Cli;

/// <summary>
/// How a shell runs this same program again, for command lines that are printed to be pasted (the first operator's
/// <c>admin create</c>): <c>runhub</c> when that name on the PATH is this program (an installed .NET tool, a link in
/// <c>/usr/local/bin</c>); else the path of the executable running now (the one <c>dotnet run</c> built, or a
/// self-contained one outside the PATH); else, when the dotnet host runs the assembly, <c>dotnet path/runhub.dll</c>.
/// </summary>
public static class SelfCommand
{
    /// <summary>The words that start this program from a shell, quoted where a path holds a space.</summary>
    public static string Invocation() =>
        Invocation(Environment.ProcessPath, typeof(SelfCommand).Assembly.Location, Environment.GetEnvironmentVariable("PATH"));

    /// <param name="processPath">The running executable (<see cref="Environment.ProcessPath"/>), null when unknown.</param>
    /// <param name="assemblyPath">This program's main assembly, run by the dotnet host when that is the process.</param>
    /// <param name="searchPath">The PATH variable: folders separated by <see cref="Path.PathSeparator"/>.</param>
    public static string Invocation(string? processPath, string assemblyPath, string? searchPath)
    {
        if (string.IsNullOrEmpty(processPath)) return "runhub";
        var name = Path.GetFileName(processPath);
        if (Path.GetFileNameWithoutExtension(name).Equals("dotnet", StringComparison.OrdinalIgnoreCase))
            return string.IsNullOrEmpty(assemblyPath) ? "runhub" : "dotnet " + Quoted(assemblyPath);
        var self = Resolved(processPath);
        foreach (var folder in (searchPath ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
        {
            var candidate = Path.Combine(folder, name);
            // The first match is what the shell runs: only when it is this program is the bare name right.
            if (File.Exists(candidate)) return Resolved(candidate) == self ? name : Quoted(processPath);
        }
        return Quoted(processPath);
    }

    private static string Resolved(string path)
    {
        var full = Path.GetFullPath(path);
        try
        {
            return File.ResolveLinkTarget(full, returnFinalTarget: true)?.FullName ?? full;
        }
        catch (IOException)
        {
            return full;
        }
    }

    /// <summary>The path in double quotes when it holds a space, for a POSIX shell.</summary>
    public static string Quoted(string path) => path.Contains(' ', StringComparison.Ordinal) ? $"\"{path}\"" : path;
}
