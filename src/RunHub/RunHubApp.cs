using Microsoft.Extensions.Options;
using RunHub.Accounts;
using RunHub.Api;
using RunHub.ApiDocs;
using RunHub.Catalog;
using RunHub.Data;
using RunHub.Engines;
using RunHub.Files;
using RunHub.Limits;
using RunHub.Maintenance;
using RunHub.Media;
using RunHub.Observability;
using RunHub.Tasks;
using RunHub.WebConsole;
using RunHub.Webhooks;
using RunHub.Workflows;
using RunHub.Workflows.Api;

namespace RunHub;

/// <summary>
/// Builds the server: configuration, then each feature's services (its <c>AddX</c> in its own folder), then its
/// routes (<c>MapX</c>). <c>runhub serve</c> and the tests both start it here.
/// </summary>
public static class RunHubApp
{
    public const string DefaultUrls = "http://127.0.0.1:5080";

    /// <param name="settings">Command-line settings that override configuration (urls, data folder).</param>
    /// <param name="configureServices">Last word on the services (tests add engines or a fake clock of their own here).</param>
    /// <exception cref="OptionsValidationException">A setting is invalid (each failure one plain line).</exception>
    /// <exception cref="StoreUnavailableException">The database cannot be opened.</exception>
    /// <exception cref="StorageConfigurationException">The file storage settings are incomplete or malformed.</exception>
    /// <exception cref="CatalogFormatException">The catalog, or a workflow or app registration, cannot be read, or a backend names an engine or settings this server cannot use.</exception>
    public static WebApplication Build(IReadOnlyDictionary<string, string?> settings, Action<IServiceCollection>? configureServices = null)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { ContentRootPath = AppContext.BaseDirectory });
        RunHubConfiguration.UseSources(builder.Configuration, settings);
        if (string.IsNullOrEmpty(builder.Configuration["urls"])) builder.WebHost.UseUrls(DefaultUrls);
        var options = RunHubConfiguration.Bind(builder.Configuration);
        var role = ServerRole.Parse(options.Role);

        builder.Services.AddSingleton(Options.Create(options));
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddDatabase(options);
        builder.Services.AddFileStorage(options, DataDirectory(options));
        builder.Services.AddModelCatalog(options);
        builder.Services.AddWorkflows(options);
        builder.Services.AddAccounts(options);
        builder.Services.AddTasks(role);
        builder.Services.AddLimits();
        builder.Services.AddMaintenance();
        builder.Services.AddEngines();
        builder.Services.AddMediaFetching();
        builder.Services.AddWebhooks();
        builder.AddApi(options);
        builder.Services.AddApiDocs();
        if (role.ServesApi && options.WebConsole.Enabled) builder.Services.AddWebConsole(options);
        builder.AddObservability(options);
        configureServices?.Invoke(builder.Services);

        var app = builder.Build();
        app.Services.CheckCatalogBackends();
        if (role.ServesApi) app.MapApi().MapWorkflowApi().MapWebhooks().MapApiDocs();
        else app.MapHealth();
        if (role.ServesApi && options.WebConsole.Enabled) app.MapWebConsole();
        app.MapObservability();
        return app;
    }

    /// <summary>The data folder, relative to the working directory (so <c>./data</c> by default).</summary>
    public static string DataDirectory(RunHubOptions options) => Path.GetFullPath(options.DataDir);

    /// <summary>On the first start of an empty database: an account with a wallet, its key printed once.</summary>
    public static Task<CreatedAccount?> BootstrapAsync(WebApplication app)
    {
        var options = app.Services.GetRequiredService<IOptions<RunHubOptions>>().Value;
        return app.Services.GetRequiredService<AccountDirectory>()
            .CreateFirstAccountAsync("default", Money.FromDecimal(options.BootstrapBalance));
    }
}
