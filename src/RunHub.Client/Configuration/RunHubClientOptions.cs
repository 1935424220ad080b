namespace RunHub.Client;

/// <summary>
/// How a <see cref="RunHubClient"/> reaches its server and how patiently it waits. The client copies these
/// values when it is built; changing the object afterwards does not change that client.
/// </summary>
public sealed class RunHubClientOptions
{
    /// <summary>The environment variable holding the API key (the name RunningHub's developer kit uses).</summary>
    public const string ApiKeyVariable = "RH_API_KEY";

    /// <summary>The environment variable holding the base URL (the name RunningHub's developer kit uses).</summary>
    public const string BaseUrlVariable = "RH_API_BASE_URL";

    /// <summary>RunningHub's own API, for <see cref="BaseUrl"/> when that is the server you mean.</summary>
    public const string RunningHubBaseUrl = "https://www.runninghub.cn/openapi/v2";

    /// <summary>A RunHub server on this machine (what <c>runhub serve</c> listens on), for <see cref="BaseUrl"/> when that is the server you mean.</summary>
    public const string LocalRunHubBaseUrl = "http://127.0.0.1:5080/openapi/v2";

    /// <summary>
    /// The API key, sent as <c>Authorization: Bearer</c>. Every call needs it except <see cref="RunHubClient.ListModelsAsync"/>;
    /// without one the server refuses the others with 1002.
    /// </summary>
    public string ApiKey { get; set; } = "";

    /// <summary>
    /// The API's base URL, ending in <c>/openapi/v2</c> (e.g. <see cref="LocalRunHubBaseUrl"/> or <see cref="RunningHubBaseUrl"/>).
    /// A URL with no path at all gets <c>/openapi/v2</c> appended. Required: there is no default, so your key and
    /// files only ever go to a server you named (a client built without one throws <see cref="ArgumentException"/>).
    /// </summary>
    public string BaseUrl { get; set; } = "";

    /// <summary>Time between two polls of a wait (default 3 s).</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(3);

    /// <summary>How long a wait lasts before it throws <see cref="RunHubTimeoutException"/> (default 10 minutes).</summary>
    public TimeSpan WaitTimeout { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>How long one HTTP attempt may take, body included (default 100 s; raise it for large uploads or downloads).</summary>
    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromSeconds(100);

    /// <summary>Attempts per request, the first included, for transient failures (default 4; 1 turns retries off).</summary>
    public int MaxAttempts { get; set; } = 4;

    /// <summary>The first retry's delay; each next one doubles, with jitter (default 500 ms).</summary>
    public TimeSpan RetryBaseDelay { get; set; } = TimeSpan.FromMilliseconds(500);

    /// <summary>The longest delay between two attempts, <c>Retry-After</c> included (default 10 s).</summary>
    public TimeSpan RetryMaxDelay { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// Whether the server replays a submit sent again with the same <c>Idempotency-Key</c> instead of creating a
    /// second task. Only then is a submit whose answer was lost sent again. Null (the default) decides by the base
    /// URL: true, except for runninghub.cn, runninghub.ai and their subdomains, which do not document the header.
    /// </summary>
    public bool? ServerHonoursIdempotencyKeys { get; set; }

    /// <summary>
    /// Options from <c>RH_API_KEY</c> and <c>RH_API_BASE_URL</c>; what is not set stays empty (there is no default server).
    /// </summary>
    /// <param name="lookup">Reads a variable; <see cref="Environment.GetEnvironmentVariable(string)"/> by default (tests pass their own).</param>
    public static RunHubClientOptions FromEnvironment(Func<string, string?>? lookup = null)
    {
        var options = new RunHubClientOptions();
        options.ApplyEnvironment(lookup ?? Environment.GetEnvironmentVariable);
        return options;
    }

    /// <summary>Sets <see cref="ApiKey"/> and <see cref="BaseUrl"/> from the variables that are set and not blank.</summary>
    internal void ApplyEnvironment(Func<string, string?> lookup)
    {
        if (lookup(ApiKeyVariable) is { } key && !string.IsNullOrWhiteSpace(key)) ApiKey = key.Trim();
        if (lookup(BaseUrlVariable) is { } url && !string.IsNullOrWhiteSpace(url)) BaseUrl = url.Trim();
    }

    internal RunHubClientOptions Copy() => (RunHubClientOptions)MemberwiseClone();
}
