using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using RunHub.Accounts;
using RunHub.Data;
using RunHub.WebConsole.Admin;
using RunHub.WebConsole.Security;
using RunHub.WebConsole.Users;

namespace RunHub.WebConsole;

public static class WebConsoleServiceCollectionExtensions
{
    /// <summary>
    /// The web console's services: Razor components (static server rendering), cookie sessions with their checks,
    /// antiforgery, data protection keys kept in the database, and the console's own services. Needs the database,
    /// accounts and tasks.
    /// </summary>
    public static IServiceCollection AddWebConsole(this IServiceCollection services, RunHubOptions options)
    {
        var settings = options.WebConsole;
        services.AddRazorComponents();
        services.AddDataProtection().SetApplicationName("RunHub");
        services.AddOptions<KeyManagementOptions>().Configure<Database, TimeProvider>((o, database, clock) =>
            o.XmlRepository = new DatabaseKeyRepository(database, clock));
        services.AddAuthentication(ConsoleClaims.Scheme)
            .AddCookie(ConsoleClaims.Scheme, o =>
            {
                ConsoleCookie(o.Cookie, "runhub_session");
                o.LoginPath = ConsolePaths.SignIn;
                o.AccessDeniedPath = "/console/forbidden";
                o.ExpireTimeSpan = TimeSpan.FromHours(settings.SessionHours);
                o.SlidingExpiration = true;
                o.Events = new CookieAuthenticationEvents { OnValidatePrincipal = SessionValidation.ValidateAsync };
            })
            .AddCookie(ConsoleClaims.TwoFactorScheme, o =>
            {
                ConsoleCookie(o.Cookie, "runhub_second_factor");
                o.ExpireTimeSpan = TimeSpan.FromMinutes(5);
                o.SlidingExpiration = false;
            });
        services.AddAuthorizationBuilder()
            .AddPolicy(ConsoleClaims.OperatorPolicy, p => p.AddAuthenticationSchemes(ConsoleClaims.Scheme).RequireClaim(ConsoleClaims.Operator, "1"));
        services.AddAntiforgery(o =>
        {
            o.Cookie.Name = "runhub_antiforgery";
            o.Cookie.Path = ConsolePaths.Root;
        });
        services.AddSingleton<ConsoleUsers>();
        services.AddSingleton<TwoFactor>();
        services.AddSingleton<TopUpCodes>();
        services.AddSingleton<AccountKeys>();
        services.AddSingleton<LedgerListing>();
        services.AddSingleton<OperatorLog>();
        services.AddSingleton<AccountAdministration>();
        services.AddSingleton<SignInThrottle>();
        services.AddSingleton<ConsoleSessions>();
        services.AddSingleton<AccountOverview>();
        return services;
    }

    /// <summary>
    /// A sign-in cookie of the console: sent only to <c>/console</c>, never readable by scripts, not sent on cross-site
    /// requests other than top-level links, and marked Secure whenever the request came over HTTPS.
    /// </summary>
    private static void ConsoleCookie(CookieBuilder cookie, string name)
    {
        cookie.Name = name;
        cookie.Path = ConsolePaths.Root;
        cookie.HttpOnly = true;
        cookie.SameSite = SameSiteMode.Lax;
        cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
    }
}
