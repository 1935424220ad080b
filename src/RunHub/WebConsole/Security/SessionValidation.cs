using System.Globalization;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.Extensions.Options;
using RunHub.WebConsole.Users;

namespace RunHub.WebConsole.Security;

/// <summary>
/// Checks a session cookie on every request against the database: the user still exists and is enabled, its account
/// is enabled, the security stamp is unchanged (no password change or "sign out everywhere" since), and the session
/// is younger than <c>WebConsole:MaxSessionDays</c>, and "Sign out" has not ended it (<see cref="ConsoleSessions"/>).
/// Anything else signs the session out.
/// </summary>
public static class SessionValidation
{
    public static async Task ValidateAsync(CookieValidatePrincipalContext context)
    {
        var services = context.HttpContext.RequestServices;
        var principal = context.Principal;
        var userId = principal is null ? null : ConsoleClaims.UserIdOf(principal);
        var user = userId is null ? null : await services.GetRequiredService<ConsoleUsers>().FindAsync(userId);
        var options = services.GetRequiredService<IOptions<RunHubOptions>>().Value.WebConsole;
        var now = services.GetRequiredService<TimeProvider>().GetUtcNow().ToUnixTimeMilliseconds();
        var signedInAt = long.TryParse(principal?.FindFirst(ConsoleClaims.SignedInAt)?.Value, NumberStyles.None, CultureInfo.InvariantCulture, out var at) ? at : 0;
        var valid = user is not null && !user.IsDisabled
            && user.SecurityStamp == principal!.FindFirst(ConsoleClaims.Stamp)?.Value
            && user.AccountId == ConsoleClaims.AccountIdOf(principal)
            && user.IsOperator == ConsoleClaims.IsOperator(principal)
            && now - signedInAt < options.MaxSessionDays * 86_400_000
            // A session from before sessions had ids has none; it ends with its age.
            && !(ConsoleClaims.SessionIdOf(principal) is { } sessionId && await services.GetRequiredService<ConsoleSessions>().HasEndedAsync(sessionId));
        if (!valid)
        {
            context.RejectPrincipal();
            await context.HttpContext.SignOutAsync(ConsoleClaims.Scheme);
        }
    }
}
