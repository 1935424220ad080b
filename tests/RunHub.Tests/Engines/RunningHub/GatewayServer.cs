using System.Collections.Concurrent;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using RunHub.Tests.Support;

namespace RunHub.Tests.Engines.RunningHub;

/// <summary>
/// The real RunHub server whose catalog serves the seed edit with the <c>runninghub</c> engine pointed at a
/// <see cref="FakeRunningHub"/>; the upstream key sits in an environment variable of its own, and every log
/// line the server writes (from Trace up) is kept.
/// </summary>
internal sealed class GatewayServer : IAsyncDisposable
{
    public const string Endpoint = "rhart-image-g-1.5/edit";

    private readonly TempDirectory _catalog;
    private readonly string _keyVariable;

    private GatewayServer(TestServer server, TempDirectory catalog, string keyVariable, LogLines logs)
    {
        Server = server;
        _catalog = catalog;
        _keyVariable = keyVariable;
        Logs = logs;
    }

    public TestServer Server { get; }
    public LogLines Logs { get; }

    /// <param name="serverSettings">More RunHub settings (e.g. <c>Queue:LeaseSeconds</c>).</param>
    /// <param name="clock">The server's clock (a fake one moves deadlines without waiting for them); the system's by default.</param>
    public static async Task<GatewayServer> StartAsync(FakeRunningHub fake, int timeoutSeconds = 60, IDictionary<string, string?>? serverSettings = null,
        TimeProvider? clock = null)
    {
        // A variable of this test's own: the process environment is shared by tests running at once.
        var keyVariable = "RUNHUB_TEST_UPSTREAM_KEY_" + Guid.NewGuid().ToString("N");
        Environment.SetEnvironmentVariable(keyVariable, fake.ApiKey);
        var catalog = WriteCatalog(fake.Root, keyVariable, timeoutSeconds);
        var settings = new Dictionary<string, string?>
        {
            ["CatalogDir"] = catalog.Path,
            // The fake serves its result files from 127.0.0.1, which the download guard refuses by default.
            ["Media:AllowPrivateNetworks"] = "true",
            ["Logging:LogLevel:Default"] = "Trace",
        };
        foreach (var (key, value) in serverSettings ?? new Dictionary<string, string?>()) settings[key] = value;
        var server = await TestServer.StartAsync(settings, configureServices: clock is null ? null : s => s.AddSingleton(clock));
        var logs = new LogLines();
        server.Services.GetRequiredService<ILoggerFactory>().AddProvider(logs);
        return new GatewayServer(server, catalog, keyVariable, logs);
    }

    private static TempDirectory WriteCatalog(string upstream, string keyVariable, int timeoutSeconds)
    {
        var dir = new TempDirectory();
        var registry = new
        {
            models = new[]
            {
                new
                {
                    endpoint = Endpoint,
                    output_type = "image",
                    timeoutSeconds,
                    engine = new
                    {
                        name = "runninghub",
                        settings = new { server = upstream, apiKeyEnv = keyVariable, pollSeconds = 0.05, maxPollSeconds = 0.2, busyRetrySeconds = 0.2 },
                    },
                    @params = new object[]
                    {
                        new { fieldKey = "prompt", type = "STRING", required = true, minLength = 5, maxLength = 800 },
                        new { fieldKey = "imageUrls", type = "IMAGE", required = true, multipleInputs = true, maxInputNum = 2, accept = "[\"JPG\",\"PNG\"]", maxSize = 10 },
                        new
                        {
                            fieldKey = "aspectRatio", type = "LIST", required = true,
                            options = new[] { new { value = "auto" }, new { value = "1:1" }, new { value = "3:2" }, new { value = "2:3" } },
                        },
                    },
                },
            },
        };
        var pricing = new { pricing = new[] { new { endpoint = Endpoint, currency = "CNY", unit = "/次", pricing_type = "fixed", price = 0.03 } } };
        File.WriteAllText(Path.Combine(dir.Path, "models.json"), JsonSerializer.Serialize(registry));
        File.WriteAllText(Path.Combine(dir.Path, "pricing.json"), JsonSerializer.Serialize(pricing));
        return dir;
    }

    public async ValueTask DisposeAsync()
    {
        await Server.DisposeAsync();
        Environment.SetEnvironmentVariable(_keyVariable, null);
        _catalog.Dispose();
    }

    /// <summary>Every log line written through the server's logger factory, with its category and any exception.</summary>
    public sealed class LogLines : ILoggerProvider
    {
        private readonly ConcurrentQueue<string> _lines = new();

        public IReadOnlyList<string> All => [.. _lines];

        public ILogger CreateLogger(string categoryName) => new Logger(categoryName, _lines);

        public void Dispose()
        {
        }

        private sealed class Logger(string category, ConcurrentQueue<string> lines) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

            public bool IsEnabled(LogLevel logLevel) => true;

            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
                lines.Enqueue($"{logLevel} {category}: {formatter(state, exception)} {exception}");
        }
    }
}
