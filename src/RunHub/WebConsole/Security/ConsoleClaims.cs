using System.Security.Claims;

namespace RunHub.WebConsole.Security;

/// <summary>What a console session cookie carries, and how pages read it.</summary>
public static class ConsoleClaims
{
    /// <summary>The cookie scheme of a signed-in session.</summary>
    public const string Scheme = "RunHub.Console";

    /// <summary>The short-lived cookie between a right password and the second factor.</summary>
    public const string TwoFactorScheme = "RunHub.Console.TwoFactor";

    public const string OperatorPolicy = "operator";
    public const string UserId = "runhub:user";
    public const string AccountId = "runhub:account";
    public const string Email = "runhub:email";
    public const string Stamp = "runhub:stamp";
    public const string Operator = "runhub:operator";
    /// <summary>Unix ms of the sign-in, for the absolute session limit.</summary>
    public const string SignedInAt = "runhub:signed-in-at";
    /// <summary>This session's own id (32 random hex digits), which "Sign out" records as ended (<see cref="ConsoleSessions"/>).</summary>
    public const string SessionId = "runhub:session";

    public static string? UserIdOf(ClaimsPrincipal user) => user.FindFirstValue(UserId);
    public static string? AccountIdOf(ClaimsPrincipal user) => user.FindFirstValue(AccountId);
    public static string? EmailOf(ClaimsPrincipal user) => user.FindFirstValue(Email);
    public static bool IsOperator(ClaimsPrincipal user) => user.HasClaim(Operator, "1");
    public static string? SessionIdOf(ClaimsPrincipal user) => user.FindFirstValue(SessionId);

    public static ClaimsPrincipal Session(Users.ConsoleUser user, long signedInAt, string scheme = Scheme) =>
        new(new ClaimsIdentity(
        [
            new Claim(UserId, user.Id), new Claim(AccountId, user.AccountId), new Claim(Email, user.Email),
            new Claim(Stamp, user.SecurityStamp), new Claim(Operator, user.IsOperator ? "1" : "0"),
            new Claim(SignedInAt, signedInAt.ToString(System.Globalization.CultureInfo.InvariantCulture)),
            new Claim(SessionId, RandomHex.Digits(32)),
        ], scheme, Email, null));
}
