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
                o.Cookie.Name = "runhub_session";
                o.Cookie.Path = ConsolePaths.Root;
                o.Cookie.HttpOnly = true;
                o.Cookie.SameSite = SameSiteMode.Lax;
                o.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
                o.LoginPath = ConsolePaths.SignIn;
                o.AccessDeniedPath = "/console/forbidden";
                o.ExpireTimeSpan = TimeSpan.FromHours(settings.SessionHours);
                o.SlidingExpiration = true;
                o.Events = new CookieAuthenticationEvents { OnValidatePrincipal = SessionValidation.ValidateAsync };
            })
            .AddCookie(ConsoleClaims.TwoFactorScheme, o =>
            {
                o.Cookie.Name = "runhub_second_factor";
                o.Cookie.Path = ConsolePaths.Root;
                o.Cookie.HttpOnly = true;
                o.Cookie.SameSite = SameSiteMode.Lax;
                o.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
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
        services.AddSingleton<AccountOverview>();
        return services;
    }
}
