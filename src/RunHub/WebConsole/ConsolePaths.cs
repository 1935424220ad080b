namespace RunHub.WebConsole;

/// <summary>Where the console lives: every page and endpoint under <c>/console</c>.</summary>
public static class ConsolePaths
{
    public const string Root = "/console";
    public const string SignIn = "/console/signin";
    public const string TwoFactor = "/console/signin/two-factor";
    public const string Dashboard = "/console/dashboard";
}
