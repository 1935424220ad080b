namespace RunHub.WebConsole;

/// <summary>Where the console lives: every page and endpoint under <c>/console</c>.</summary>
public static class ConsolePaths
{
    public const string Root = "/console";
    public const string SignIn = "/console/signin";
    public const string TwoFactor = "/console/signin/two-factor";
    public const string Dashboard = "/console/dashboard";
    public const string Playground = "/console/playground";

    /// <summary>The account's own task pages: <c>/console/tasks/{id}</c>.</summary>
    public const string Tasks = "/console/tasks/";

    /// <summary>An operator's read-only view of any account's task: <c>/console/admin/tasks/{id}</c>.</summary>
    public const string AdminTasks = "/console/admin/tasks/";
}
