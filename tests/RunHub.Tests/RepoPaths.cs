namespace RunHub.Tests;

/// <summary>Locates the repository and the shared fixtures beside it (../shared/fixtures), as CI lays them out.</summary>
public static class RepoPaths
{
    public static string Root { get; } = FindRoot();

    public static string RunningHubFixtures => Path.GetFullPath(Path.Combine(Root, "..", "shared", "fixtures", "runninghub"));

    public static string Catalog => Path.Combine(Root, "catalog");

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "RunHub.slnx"))) return dir.FullName;
        throw new InvalidOperationException("RunHub.slnx not found above " + AppContext.BaseDirectory);
    }
}
