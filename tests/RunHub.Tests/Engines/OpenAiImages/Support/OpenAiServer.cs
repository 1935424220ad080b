using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using RunHub.Tests.Support;

namespace RunHub.Tests.Engines.OpenAiImages.Support;

/// <summary>
/// The real server with a catalog whose seed models (the shipped <c>rhart-image-g-1.5</c> entries) are served by
/// <c>openai-images</c> on a <see cref="FakeOpenAiImages"/>, the key in an environment variable of this process,
/// and every log line captured at every level.
/// </summary>
internal sealed class OpenAiServer : IAsyncDisposable
{
    public const string Edit = "rhart-image-g-1.5/edit";
    public const string TextToImage = "rhart-image-g-1.5/text-to-image";

    private readonly TempDirectory _catalog;
    private readonly IReadOnlyList<string> _variables;

    private OpenAiServer(TestServer server, TempDirectory catalog, IReadOnlyList<string> variables, CapturedLogs logs)
    {
        Server = server;
        _catalog = catalog;
        _variables = variables;
        Logs = logs;
    }

    public TestServer Server { get; }
    public CapturedLogs Logs { get; }

    /// <param name="keys">The key each model sends (default: the fake's); a model given another key is refused by the fake.</param>
    /// <param name="fallback">A second backend, listed after the first under <c>engines</c>, with the same key variable.</param>
    public static async Task<OpenAiServer> StartAsync(
        FakeOpenAiImages fake, int timeoutSeconds = 600, IReadOnlyDictionary<string, string>? keys = null, FakeOpenAiImages? fallback = null,
        int maxRetryWaitSeconds = 30)
    {
        var variables = new List<string>();
        var catalog = new TempDirectory();
        var shipped = Path.Combine(AppContext.BaseDirectory, "catalog");
        var registry = JsonNode.Parse(File.ReadAllText(Path.Combine(shipped, "models.json")))!.AsObject();
        var models = new JsonArray();
        foreach (var model in registry["models"]!.AsArray().Select(m => m!.AsObject()))
        {
            var endpoint = (string)model["endpoint"]!;
            if (endpoint is not (Edit or TextToImage)) continue;
            var variable = $"RUNHUB_TEST_OPENAI_KEY_{Guid.NewGuid():N}";
            Environment.SetEnvironmentVariable(variable, keys?.GetValueOrDefault(endpoint) ?? fake.ApiKey);
            variables.Add(variable);
            var copy = model.DeepClone().AsObject();
            // A single backend as the plain "engine" entry; with a fallback, the ordered "engines" list.
            if (fallback is null) copy["engine"] = Backend(fake.Url, variable, maxRetryWaitSeconds);
            else
            {
                copy.Remove("engine");
                copy["engines"] = new JsonArray(Backend(fake.Url, variable, maxRetryWaitSeconds), Backend(fallback.Url, variable, maxRetryWaitSeconds));
            }
            copy["timeoutSeconds"] = timeoutSeconds;
            models.Add(copy);
        }
        registry["models"] = models;
        File.WriteAllText(Path.Combine(catalog.Path, "models.json"), registry.ToJsonString());
        File.Copy(Path.Combine(shipped, "pricing.json"), Path.Combine(catalog.Path, "pricing.json"));

        var server = await TestServer.StartAsync(new Dictionary<string, string?>
        {
            ["CatalogDir"] = catalog.Path,
            ["Logging:LogLevel:Default"] = "Trace",
            // Everything goes to the capture below; the console stays quiet.
            ["Logging:Console:LogLevel:Default"] = "None",
        });
        var logs = new CapturedLogs();
        server.Services.GetRequiredService<ILoggerFactory>().AddProvider(logs);
        return new OpenAiServer(server, catalog, variables, logs);
    }

    private static JsonObject Backend(string server, string keyVariable, int maxRetryWaitSeconds) => new()
    {
        ["name"] = "openai-images",
        ["settings"] = new JsonObject
        {
            ["server"] = server, ["model"] = "gpt-image-1.5", ["apiKeyEnv"] = keyVariable, ["quality"] = "high", ["retryDelayMs"] = 10,
            ["maxRetryWaitSeconds"] = maxRetryWaitSeconds,
        },
    };

    /// <summary>Every byte the server keeps (database, its WAL, stored files), as text, for searching.</summary>
    public string StoredText()
    {
        var text = new System.Text.StringBuilder();
        foreach (var file in Directory.EnumerateFiles(Server.DataDir, "*", SearchOption.AllDirectories))
        {
            using var stream = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            using var reader = new StreamReader(stream, System.Text.Encoding.Latin1);
            text.Append(reader.ReadToEnd()).Append('\n');
        }
        return text.ToString();
    }

    public async ValueTask DisposeAsync()
    {
        await Server.DisposeAsync();
        foreach (var variable in _variables) Environment.SetEnvironmentVariable(variable, null);
        _catalog.Dispose();
    }
}
