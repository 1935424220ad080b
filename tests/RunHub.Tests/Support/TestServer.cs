using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using RunHub.Accounts;

namespace RunHub.Tests.Support;

/// <summary>
/// The real server (Kestrel, SQLite, workers) on a free loopback port with its own temporary data folder.
/// Settings are configuration keys under RunHub (e.g. "Engines:Sandbox:DelayMs").
/// </summary>
public sealed class TestServer : IAsyncDisposable
{
    private readonly WebApplication _app;

    private readonly TempDirectory? _ownData;

    private TestServer(WebApplication app, string dataDir, string baseUrl, TempDirectory? ownData)
    {
        _app = app;
        _ownData = ownData;
        DataDir = dataDir;
        BaseUrl = baseUrl;
        Http = new HttpClient { BaseAddress = new Uri(baseUrl), Timeout = TimeSpan.FromSeconds(60) };
    }

    public string DataDir { get; }
    public string BaseUrl { get; }
    public HttpClient Http { get; }
    public IServiceProvider Services => _app.Services;
    public AccountDirectory Accounts => Services.GetRequiredService<AccountDirectory>();

    /// <param name="dataDir">An existing data folder to use (and leave behind); by default a new one, deleted on dispose.</param>
    /// <param name="configureServices">Extra services for the server, e.g. a scripted engine: <c>s => s.AddSingleton&lt;IEngine&gt;(engine)</c>.</param>
    public static async Task<TestServer> StartAsync(IDictionary<string, string?>? settings = null, string? dataDir = null,
        Action<IServiceCollection>? configureServices = null)
    {
        var ownData = dataDir is null ? new TempDirectory() : null;
        dataDir ??= ownData!.Path;
        var all = new Dictionary<string, string?>
        {
            ["urls"] = "http://127.0.0.1:0",
            ["RunHub:DataDir"] = dataDir,
            ["RunHub:Queue:PollMilliseconds"] = "100",
            ["RunHub:Queue:Workers"] = "4",
            ["Logging:LogLevel:Default"] = "Warning",
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
            all[key.StartsWith("urls", StringComparison.Ordinal) || key.StartsWith("Logging", StringComparison.Ordinal) ? key : "RunHub:" + key] = value;
        var app = RunHubApp.Build(all, configureServices);
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new TestServer(app, dataDir, address, ownData);
    }

    /// <summary>A new account with a wallet, and a client that sends its key.</summary>
    public async Task<ApiCaller> NewCallerAsync(decimal balance = 10m, string name = "test")
    {
        var account = await Accounts.CreateAsync(name, Money.FromDecimal(balance));
        return new ApiCaller(Http, account.AccountId, account.ApiKey);
    }

    /// <summary>A normal shutdown, as on SIGTERM.</summary>
    public Task StopAsync() => _app.StopAsync();

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        await _app.StopAsync();
        await _app.DisposeAsync();
        _ownData?.Dispose();
    }
}
