using System.Diagnostics;
using System.Globalization;
using System.Reflection;
using System.Runtime.InteropServices;
using RunHub.Engines.Sandbox;

namespace RunHub.Bench.Report;

/// <summary>The machine a run was measured on: figures from different machines are not comparable, so every report names its own.</summary>
public sealed record MachineInfo(int Cores, string Cpu, double MemoryGb, string Os, string Dotnet, string Build, string DataFilesystem)
{
    public static MachineInfo Current() => new(
        Environment.ProcessorCount,
        ProcField("/proc/cpuinfo", "model name") ?? RuntimeInformation.ProcessArchitecture.ToString(),
        MemTotalKb() / 1024.0 / 1024.0,
        $"{OsRelease() ?? RuntimeInformation.OSDescription} (kernel {Environment.OSVersion.Version})",
        RuntimeInformation.FrameworkDescription,
        IsOptimized(typeof(SandboxEngine).Assembly) ? "Release" : "Debug",
        FilesystemOf(Path.GetTempPath()));

    /// <summary>A Debug build of the server is several times slower; the report says so instead of misleading.</summary>
    private static bool IsOptimized(Assembly assembly) =>
        assembly.GetCustomAttribute<DebuggableAttribute>() is not { IsJITOptimizerDisabled: true };

    private static string? ProcField(string path, string field)
    {
        if (!File.Exists(path)) return null;
        return File.ReadLines(path)
            .Where(line => line.StartsWith(field, StringComparison.Ordinal) && line.Contains(':', StringComparison.Ordinal))
            .Select(line => line[(line.IndexOf(':', StringComparison.Ordinal) + 1)..].Trim())
            .FirstOrDefault();
    }

    private static double MemTotalKb()
    {
        var text = ProcField("/proc/meminfo", "MemTotal");
        return text is null ? 0 : double.Parse(text.Split(' ')[0], CultureInfo.InvariantCulture);
    }

    private static string? OsRelease()
    {
        const string file = "/etc/os-release";
        return File.Exists(file)
            ? File.ReadLines(file).FirstOrDefault(l => l.StartsWith("PRETTY_NAME=", StringComparison.Ordinal))?["PRETTY_NAME=".Length..].Trim('"')
            : null;
    }

    /// <summary>The filesystem type the data folders are on (SQLite commits cost what its fsync costs).</summary>
    private static string FilesystemOf(string path)
    {
        const string mounts = "/proc/mounts";
        if (!File.Exists(mounts)) return "unknown";
        var full = Path.GetFullPath(path);
        var best = (Mount: "", Type: "unknown");
        foreach (var parts in File.ReadLines(mounts).Select(l => l.Split(' ')).Where(p => p.Length > 2))
        {
            var mount = parts[1];
            var covers = full.StartsWith(mount.TrimEnd('/') + "/", StringComparison.Ordinal) || full == mount;
            if (covers && mount.Length >= best.Mount.Length) best = (mount, parts[2]);
        }
        return $"{best.Type} ({best.Mount})";
    }
}
