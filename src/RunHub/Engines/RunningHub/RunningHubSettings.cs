using RunHub.Client;
using System.Globalization;
using System.Text.Json;
using RunHub.Catalog;

namespace RunHub.Engines.RunningHub;

/// <summary>
/// A <c>runninghub</c> backend's settings from the catalog: which RunningHub site, which environment variable
/// holds the upstream key (the key itself never is in the catalog), the upstream endpoint when it differs from
/// the model's, and the timings of polling, busy waits and result downloads.
/// </summary>
public sealed record RunningHubSettings
{
    public const string DefaultServer = "https://www.runninghub.cn";

    /// <summary>The site's root, e.g. <c>https://www.runninghub.ai</c> (a trailing <c>/openapi/v2</c> is accepted).</summary>
    public string Server { get; init; } = DefaultServer;

    /// <summary>The environment variable holding the upstream Enterprise-Shared API key.</summary>
    public required string ApiKeyEnv { get; init; }

    /// <summary>The upstream endpoint; null means the model's own.</summary>
    public string? Endpoint { get; init; }

    /// <summary>First wait between two polls of the upstream task; each next wait grows by half up to <see cref="MaxPollInterval"/>.</summary>
    public TimeSpan PollInterval { get; init; } = TimeSpan.FromSeconds(2);

    public TimeSpan MaxPollInterval { get; init; } = TimeSpan.FromSeconds(15);

    /// <summary>How long a task waits in RunHub's queue when the upstream says it is busy (421, 1520, 1003, 1011).</summary>
    public TimeSpan BusyRetryAfter { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Time allowed for one upstream API call (submit, query, upload).</summary>
    public TimeSpan RequestTimeout { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>Largest result file taken from the upstream.</summary>
    public double MaxResultMb { get; init; } = 200;

    /// <summary>Time allowed to download one result file.</summary>
    public TimeSpan DownloadTimeout { get; init; } = TimeSpan.FromSeconds(300);

    /// <summary>Polls in a row that may fail (network, unreadable answer) before the task is given up.</summary>
    public int MaxFailedPolls { get; init; } = 5;

    /// <summary>Upload every input upstream, public https URLs too (for inputs the upstream cannot reach).</summary>
    public bool UploadAllInputs { get; init; }

    /// <summary>The API base, <c>{server}/openapi/v2</c>.</summary>
    public string ApiBase => Root + "/openapi/v2";

    /// <summary>The site's root, without <c>/openapi/v2</c> and without a trailing slash.</summary>
    public string Root
    {
        get
        {
            var root = Server.TrimEnd('/');
            return root.EndsWith("/openapi/v2", StringComparison.OrdinalIgnoreCase) ? root[..^"/openapi/v2".Length] : root;
        }
    }

    /// <param name="backend">The catalog's backend; its settings win over <paramref name="configured"/>.</param>
    /// <param name="configured">Server and key variable from configuration, for backends without settings (imported registries).</param>
    /// <exception cref="EngineException">1010 when the settings cannot serve (missing or malformed), naming the setting.</exception>
    public static RunningHubSettings From(EngineBinding backend, RunningHubEngineOptions? configured = null)
    {
        var json = backend.Settings is { ValueKind: JsonValueKind.Object } given ? given : EmptyObject;
        var defaults = new RunningHubSettings { ApiKeyEnv = "" };
        var server = Text(json, "server") ?? Blank(configured?.Server) ?? DefaultServer;
        if (!Uri.TryCreate(server, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttps && uri.Scheme != Uri.UriSchemeHttp))
            throw Misconfigured($"\"server\" must be an http(s) URL such as {DefaultServer}, not '{server}'");
        var keyEnv = Text(json, "apiKeyEnv") ?? Blank(configured?.ApiKeyEnv);
        if (string.IsNullOrWhiteSpace(keyEnv))
            throw Misconfigured("\"apiKeyEnv\" must name the environment variable that holds the upstream API key " +
                "(in the catalog entry's settings, or RunHub:Engines:RunningHub:ApiKeyEnv for all runninghub backends)");
        var endpoint = Text(json, "endpoint")?.Trim('/');
        if (endpoint is { Length: 0 }) endpoint = null;
        return new RunningHubSettings
        {
            Server = server,
            ApiKeyEnv = keyEnv,
            Endpoint = endpoint,
            PollInterval = Seconds(json, "pollSeconds") ?? defaults.PollInterval,
            MaxPollInterval = Seconds(json, "maxPollSeconds") ?? defaults.MaxPollInterval,
            BusyRetryAfter = Seconds(json, "busyRetrySeconds") ?? defaults.BusyRetryAfter,
            RequestTimeout = Seconds(json, "requestTimeoutSeconds") ?? defaults.RequestTimeout,
            DownloadTimeout = Seconds(json, "downloadTimeoutSeconds") ?? defaults.DownloadTimeout,
            MaxResultMb = Number(json, "maxResultMb") ?? defaults.MaxResultMb,
            MaxFailedPolls = (int?)Number(json, "maxFailedPolls") ?? defaults.MaxFailedPolls,
            UploadAllInputs = json.TryGetProperty("uploadAllInputs", out var all) && all.ValueKind == JsonValueKind.True,
        };
    }

    private static readonly JsonElement EmptyObject = JsonDocument.Parse("{}").RootElement;

    private static string? Blank(string? text) => string.IsNullOrWhiteSpace(text) ? null : text.Trim();

    private static string? Text(JsonElement json, string name) =>
        json.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString()!.Trim() : null;

    private static double? Number(JsonElement json, string name)
    {
        if (!json.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null) return null;
        var number = value.ValueKind switch
        {
            JsonValueKind.Number => value.GetDouble(),
            JsonValueKind.String when double.TryParse(value.GetString(), NumberStyles.Float, CultureInfo.InvariantCulture, out var parsed) => parsed,
            _ => double.NaN,
        };
        if (double.IsNaN(number) || number <= 0 || number > 86400)
            throw Misconfigured($"\"{name}\" must be a positive number, not {value.GetRawText()}");
        return number;
    }

    private static TimeSpan? Seconds(JsonElement json, string name) => Number(json, name) is { } seconds ? TimeSpan.FromSeconds(seconds) : null;

    private static EngineException Misconfigured(string problem) => new(RunHubErrorCodes.ServiceUnavailable, "runninghub engine settings: " + problem);
}
