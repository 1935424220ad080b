using Microsoft.Extensions.Options;
using RunHub.Accounts;
using RunHub.Api;
using RunHub.Catalog;
using RunHub.Engines;
using RunHub.Engines.ComfyUi;
using RunHub.Engines.OpenAiImages;
using RunHub.Engines.RunningHub;
using RunHub.Engines.Sandbox;
using RunHub.Media;
using RunHub.Storage;
using RunHub.Store;
using RunHub.Tasks;

namespace RunHub;

/// <summary>Builds the server: configuration, services, routes. <c>runhub serve</c> and the tests both start it here.</summary>
public static class RunHubApp
{
    public const string DefaultUrls = "http://127.0.0.1:5080";

    /// <param name="settings">Command-line settings that override configuration (urls, data folder).</param>
    /// <param name="configureServices">Last word on the services (tests add engines of their own here).</param>
    public static WebApplication Build(IReadOnlyDictionary<string, string?> settings, Action<IServiceCollection>? configureServices = null)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { ContentRootPath = AppContext.BaseDirectory });
        builder.Configuration.AddInMemoryCollection(settings);
        if (string.IsNullOrEmpty(builder.Configuration["urls"])) builder.WebHost.UseUrls(DefaultUrls);

        var options = builder.Configuration.GetSection(RunHubOptions.Section).Get<RunHubOptions>() ?? new RunHubOptions();
        builder.Services.Configure<RunHubOptions>(builder.Configuration.GetSection(RunHubOptions.Section));
        builder.WebHost.ConfigureKestrel(k => k.Limits.MaxRequestBodySize = (options.Media.MaxUploadMb + 1L) * 1024 * 1024);
        builder.Services.Configure<Microsoft.AspNetCore.Http.Features.FormOptions>(f =>
            f.MultipartBodyLengthLimit = (options.Media.MaxUploadMb + 1L) * 1024 * 1024);
        builder.Services.ConfigureHttpJsonOptions(j => j.SerializerOptions.PropertyNamingPolicy = JsonOptions.Wire.PropertyNamingPolicy);

        var dataDir = DataDirectory(options);
        var database = Database.FromOptions(options);
        builder.Services.AddSingleton(database);
        if (database is PostgresDatabase postgres) builder.Services.AddSingleton(_ => postgres); // the container disposes its pool
        else builder.Services.AddSingleton(_ => (SqliteDatabase)database); // the container closes its kept connections
        builder.Services.AddFileStorage(options, dataDir);
        builder.Services.AddSingleton(LoadCatalog(options));
        builder.Services.AddSingleton(new ApiKeyCache(TimeSpan.FromSeconds(Math.Max(0, options.KeyCacheSeconds))));
        builder.Services.AddSingleton<AccountDirectory>();
        builder.Services.AddSingleton<ModelsEndpoint>();
        builder.Services.AddSingleton<TaskSignal>();
        builder.Services.AddSingleton<GroupCommit>();
        builder.Services.AddSingleton<TaskQueue>();
        builder.Services.AddSingleton<TaskRunner>();
        builder.Services.AddSingleton<TaskCancellation>();
        builder.Services.AddSingleton<IEngine, SandboxEngine>();
        builder.Services.AddSingleton<IEngine, ComfyUiEngine>();
        builder.Services.AddSingleton<IEngine, OpenAiImagesEngine>();
        builder.Services.AddSingleton<IEngine, RunningHubEngine>();
        builder.Services.AddSingleton<EngineRegistry>();
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddSingleton<BackendPool>();
        builder.Services.AddSingleton<EngineDispatcher>();
        configureServices?.Invoke(builder.Services);
        builder.Services.AddMediaFetching();
        var role = ServerRole.Parse(options.Role);
        if (role.RunsTasks) builder.Services.AddHostedService<TaskWorkers>();
        if (role.RunsTasks && database is PostgresDatabase)
        {
            builder.Services.AddSingleton<PostgresQueueListener>();
            builder.Services.AddHostedService(s => s.GetRequiredService<PostgresQueueListener>());
        }

        var app = builder.Build();
        UnexpectedErrors.Use(app);
        if (role.ServesApi) ApiRoutes.Map(app);
        else ApiRoutes.MapHealth(app);
        return app;
    }

    /// <summary>The data folder, relative to the working directory (so <c>./data</c> by default).</summary>
    public static string DataDirectory(RunHubOptions options) => Path.GetFullPath(options.DataDir);

    public static string CatalogDirectory(RunHubOptions options) =>
        string.IsNullOrWhiteSpace(options.CatalogDir) ? Path.Combine(AppContext.BaseDirectory, "catalog") : Path.GetFullPath(options.CatalogDir);

    public static ModelCatalog LoadCatalog(RunHubOptions options)
    {
        var catalog = ModelCatalog.LoadDirectory(CatalogDirectory(options));
        foreach (var import in options.CatalogImports)
            catalog = catalog.Import(Path.GetFullPath(import.Registry), import.Pricing is { Length: > 0 } p ? Path.GetFullPath(p) : null,
                string.IsNullOrWhiteSpace(import.Engine) ? null : new EngineBinding(import.Engine));
        return catalog;
    }

    /// <summary>On the first start of an empty database: an account with a wallet, its key printed once.</summary>
    public static CreatedAccount? Bootstrap(WebApplication app)
    {
        var options = app.Services.GetRequiredService<IOptions<RunHubOptions>>().Value;
        return app.Services.GetRequiredService<AccountDirectory>()
            .CreateFirstAccount("default", Money.FromDecimal(options.BootstrapBalance));
    }
}
