namespace RunHub.WebConsole;

/// <summary>The <c>RunHub:WebConsole</c> section: the web console at <c>/console</c> (docs/console.md).</summary>
public sealed class WebConsoleOptions
{
    /// <summary>Serve the console (on nodes that serve the API).</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>
    /// Who may create an account from the sign-up page: <c>open</c> (anyone), <c>invite</c> (only with an unused
    /// top-up code, which becomes the new wallet's opening balance) or <c>closed</c> (operators create accounts).
    /// </summary>
    public string SignUp { get; set; } = SignUpModes.Invite;

    /// <summary>A session ends after this many hours without a request (each request renews it).</summary>
    public double SessionHours { get; set; } = 8;

    /// <summary>A session ends this many days after its sign-in, however active.</summary>
    public double MaxSessionDays { get; set; } = 7;

    /// <summary>
    /// Wrong passwords in a row for one email (registered or not, each within <see cref="LockoutMinutes"/> of the one
    /// before), or wrong second-factor codes in a row of one user, after which that email or user is locked out for
    /// <see cref="LockoutMinutes"/>. A complete sign-in starts both counts again.
    /// </summary>
    public int MaxFailedSignIns { get; set; } = 5;

    /// <summary>How long a lockout lasts, in minutes; also how long a run of wrong passwords is remembered after its last one.</summary>
    public double LockoutMinutes { get; set; } = 15;

    /// <summary>Sign-in, second-factor, sign-up and code-redemption attempts one client address may make per minute, per node (one budget for all four).</summary>
    public int SignInAttemptsPerMinute { get; set; } = 20;
}

/// <summary>The values of <see cref="WebConsoleOptions.SignUp"/>.</summary>
public static class SignUpModes
{
    public const string Open = "open";
    public const string Invite = "invite";
    public const string Closed = "closed";
    public static readonly IReadOnlyList<string> All = [Open, Invite, Closed];
}
