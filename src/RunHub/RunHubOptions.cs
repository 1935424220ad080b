namespace RunHub;

/// <summary>
/// The <c>RunHub</c> configuration section (appsettings.json or environment variables such as
/// <c>RunHub__Engines__Sandbox__DelayMs=1500</c>).
/// </summary>
public sealed class RunHubOptions
{
    public const string Section = "RunHub";

    /// <summary>
    /// What this process does: <c>all</c> (the API and the task workers), <c>api</c> (answers requests, runs no
    /// tasks) or <c>worker</c> (runs tasks, serves only <c>/healthz</c>). Nodes of any role can share one data store.
    /// </summary>
    public string Role { get; set; } = "all";

    /// <summary>Folder for the SQLite database and stored files.</summary>
    public string DataDir { get; set; } = "data";

    /// <summary>
    /// How the console log is written: <c>text</c> (the default, for people) or <c>json</c> (one JSON object a line,
    /// with the <c>AccountId</c> and <c>TaskId</c> a line is about under <c>Scopes</c>; docs/observability.md).
    /// </summary>
    public string LogFormat { get; set; } = "text";

    /// <summary>
    /// Base of the URLs handed out for results and uploads (e.g. <c>https://api.example.com</c>). When empty: what a
    /// trusted proxy forwarded (<c>Api:TrustedProxies</c>), else the address each request arrived at; never the request's
    /// Host header.
    /// </summary>
    public string? PublicBaseUrl { get; set; }

    /// <summary>Folder holding the model catalog; when empty, the <c>catalog</c> folder shipped beside the program.</summary>
    public string? CatalogDir { get; set; }

    /// <summary>
    /// More registries merged over the catalog folder, in order (e.g. RunningHub's full public registry and
    /// price list). Their models replace catalog models of the same endpoint.
    /// </summary>
    public List<CatalogImport> CatalogImports { get; set; } = [];

    /// <summary>
    /// A RunningHub registry file served on top of the catalog folder and the imports (<c>runhub serve --catalog FILE</c>):
    /// every model in it that names no engine runs on the sandbox, and a model its price list does not price (or prices
    /// in a way RunHub cannot compute before the task runs) is served free. For offline development.
    /// </summary>
    public string? CatalogFile { get; set; }

    /// <summary>The price list of <see cref="CatalogFile"/> (<c>--pricing FILE</c>); without it every model of the file is free.</summary>
    public string? PricingFile { get; set; }

    /// <summary>
    /// How long a live API key is trusted without a database read. A key revoked by another process (the
    /// <c>keys revoke</c> command, another node) stops working within this time; one revoked in this process, at once.
    /// 0 reads the database on every request.
    /// </summary>
    public double KeyCacheSeconds { get; set; } = 2;

    /// <summary>Balance of the account created on the first start of an empty database.</summary>
    public decimal BootstrapBalance { get; set; } = 10m;

    public ApiOptions Api { get; set; } = new();
    public StoreOptions Store { get; set; } = new();
    public MediaOptions Media { get; set; } = new();
    public Files.StorageOptions Storage { get; set; } = new();
    public QueueOptions Queue { get; set; } = new();
    public EnginesOptions Engines { get; set; } = new();
    public RetentionOptions Retention { get; set; } = new();
    public MaintenanceOptions Maintenance { get; set; } = new();
    public WebConsole.WebConsoleOptions WebConsole { get; set; } = new();
    public Webhooks.WebhookOptions Webhooks { get; set; } = new();
    public Limits.LimitsOptions Limits { get; set; } = new();
}

/// <summary>A registry file in RunningHub's format, its optional price list, and the engine for its models that name none.</summary>
public sealed class CatalogImport
{
    public string Registry { get; set; } = "";
    public string? Pricing { get; set; }
    /// <summary>When empty, imported models without an engine are listed but not served (1010).</summary>
    public string? Engine { get; set; }

    /// <summary>
    /// The price per task, in CNY, of imported models the price list does not price or prices in a way RunHub cannot
    /// compute before the task runs. When unset, such models are listed but not served (1010).
    /// </summary>
    public decimal? UnpricedPrice { get; set; }
}

public sealed class MediaOptions
{
    /// <summary>Let input URLs reach loopback, private and link-local addresses (tests and private deployments).</summary>
    public bool AllowPrivateNetworks { get; set; }

    /// <summary>Networks (CIDR, e.g. <c>10.1.2.0/24</c>) input URLs may reach even though they are private.</summary>
    public List<string> AllowedNetworks { get; set; } = [];

    /// <summary>Time allowed to fetch one input, headers and body.</summary>
    public int FetchTimeoutSeconds { get; set; } = 30;

    /// <summary>Time allowed to fetch all the inputs of one task together (they are fetched one after another).</summary>
    public double TaskFetchSeconds { get; set; } = 60;

    /// <summary>
    /// The slowest download of an input (or of a backend's result) that is kept going, in bytes per second averaged
    /// over <see cref="RateWindowSeconds"/>; 0 turns the check off. A server must also start answering within one window.
    /// </summary>
    public long MinBytesPerSecond { get; set; } = 16 * 1024;

    /// <summary>The window <see cref="MinBytesPerSecond"/> is averaged over, and the time a server has to start answering.</summary>
    public double RateWindowSeconds { get; set; } = 10;

    public int MaxRedirects { get; set; } = 5;

    /// <summary>Images with more pixels than this are refused before they are decoded.</summary>
    public long MaxImagePixels { get; set; } = 50_000_000;

    /// <summary>Largest file <c>/openapi/v2/media/upload/binary</c> accepts.</summary>
    public int MaxUploadMb { get; set; } = 100;

    /// <summary>
    /// Inline <c>data:</c> inputs of a submit up to this many KB (decoded) are kept in the database with their task,
    /// written in the submit's own transaction; larger ones are stored as files (synced to disk before the task
    /// commits). 0 stores every inline input as a file. At most 4096.
    /// </summary>
    public int InlineInputDatabaseKb { get; set; } = 256;
}

/// <summary>The HTTP surface: what requests it reads, which it trusts, and how strictly it checks them.</summary>
public sealed class ApiOptions
{
    /// <summary>
    /// Largest JSON body an API call reads, in KB. A submit to a model with media parameters may also carry its
    /// inline <c>data:</c> inputs on top (see docs/api.md); uploads have their own limit (<c>Media:MaxUploadMb</c>).
    /// </summary>
    public int MaxJsonBodyKb { get; set; } = 2048;

    /// <summary>Deepest nesting of objects and arrays a JSON body may have.</summary>
    public int MaxJsonDepth { get; set; } = 32;

    /// <summary>
    /// Refuse submit fields the model does not declare (1007), a field given twice, and numbers for text parameters,
    /// as RunHub once did. Off by default: RunningHub lets them through, and its own clients send such fields
    /// (<c>appCode</c>).
    /// </summary>
    public bool StrictParameters { get; set; }

    /// <summary>
    /// Origins a browser app may call the API from (CORS), e.g. <c>https://app.example.com</c>; <c>*</c> allows any
    /// origin (safe: the API uses Bearer keys, never cookies). Empty: no cross-origin calls.
    /// </summary>
    public List<string> CorsOrigins { get; set; } = [];

    /// <summary>
    /// Addresses or networks (CIDR) of reverse proxies whose <c>Forwarded</c> / <c>X-Forwarded-Proto</c>,
    /// <c>X-Forwarded-Host</c> and <c>X-Forwarded-Prefix</c> headers are believed when links are built (and
    /// <c>PublicBaseUrl</c> is not set). Empty: forwarded headers are ignored.
    /// </summary>
    public List<string> TrustedProxies { get; set; } = [];
}

public sealed class QueueOptions
{
    /// <summary>Tasks one node runs on its engines at once (engine slots).</summary>
    public int Workers { get; set; } = Math.Max(2, Environment.ProcessorCount * 2);

    /// <summary>
    /// Tasks one node may have fetching their inputs at once besides those on its engines: a task gives its engine slot
    /// up while it fetches, so a slow input never keeps an engine idle (at most Workers + FetchingTasks tasks claimed).
    /// </summary>
    public int FetchingTasks { get; set; } = Math.Max(2, Environment.ProcessorCount * 2);

    /// <summary>How long a claimed task stays with its worker without a renewal.</summary>
    public double LeaseSeconds { get; set; } = 30;

    /// <summary>How often idle workers look for tasks submitted by other processes and for lapsed leases.</summary>
    public int PollMilliseconds { get; set; } = 1000;

    /// <summary>Runs of one task (each a claim) before it is failed with 1005 instead of retried.</summary>
    public int MaxAttempts { get; set; } = 5;

    /// <summary>
    /// The start deadline, in seconds from the submit: a task still waiting in the queue (never started) after it
    /// fails with 1006 and its charge is released. Its run has a deadline of its own, the model's
    /// <c>timeoutSeconds</c>, counted from its first start (docs/retention.md).
    /// </summary>
    public double StartDeadlineSeconds { get; set; } = 24 * 3600;
}

/// <summary>How long result files and uploads are kept (docs/retention.md).</summary>
public sealed class RetentionOptions
{
    /// <summary>
    /// Days a task's result files are kept after it ends, and an upload after it was (last) uploaded; then the
    /// maintenance job deletes them. Task rows and the ledger are kept. An account may have its own value
    /// (<c>runhub accounts retention</c>).
    /// </summary>
    public double Days { get; set; } = 7;
}

/// <summary>The maintenance job: expired files, overdue queued tasks. It runs on one node of a cluster at a time.</summary>
public sealed class MaintenanceOptions
{
    /// <summary>Seconds between runs of the maintenance job (across the whole cluster).</summary>
    public double IntervalSeconds { get; set; } = 60;

    /// <summary>Tasks or uploads one run handles per batch (a run takes batches until none is left).</summary>
    public int BatchSize { get; set; } = 200;
}

public sealed class EnginesOptions
{
    /// <summary>Backends one run of a task tries (failing over on retryable errors) before it fails with the last error.</summary>
    public int MaxAttempts { get; set; } = 3;

    /// <summary>How long a backend that failed with a retryable or connection error is left out before it is probed again.</summary>
    public double CooldownSeconds { get; set; } = 30;

    public SandboxOptions Sandbox { get; set; } = new();

    /// <summary>Defaults of the <c>runninghub</c> engine for backends that do not set them (e.g. imported registries).</summary>
    public RunningHubEngineOptions RunningHub { get; set; } = new();
}

public sealed class RunningHubEngineOptions
{
    /// <summary>The RunningHub site, when a backend names none (else https://www.runninghub.cn).</summary>
    public string? Server { get; set; }

    /// <summary>The environment variable holding the upstream key, when a backend names none.</summary>
    public string? ApiKeyEnv { get; set; }
}

public sealed class SandboxOptions
{
    /// <summary>Simulated latency of each task, in milliseconds, on top of <see cref="Latency"/>.</summary>
    public int DelayMs { get; set; }

    /// <summary>Share of tasks (0 to 1) that fail with 1015, chosen by task id so a given task always fails the same way.</summary>
    public double FailureRate { get; set; }

    /// <summary>
    /// The latency model by family: an output type (<c>image</c>, <c>video</c>, <c>audio</c>, <c>string</c>, <c>3d</c>)
    /// or an endpoint prefix (<c>kling-</c>, <c>rhart-video-s/</c>); the longest matching endpoint prefix wins, then
    /// the output type. Empty (the default): no simulated latency.
    /// </summary>
    public Dictionary<string, SandboxLatency> Latency { get; set; } = [];

    /// <summary>The folder holding <c>ffmpeg</c> and <c>ffprobe</c>; when empty, they are looked up on the PATH.</summary>
    public string? FfmpegFolder { get; set; }

    /// <summary>Most pixels one input image may be decoded to at once (4 bytes each): JPEG and WebP decode scaled down to fit; a larger PNG, GIF or BMP is refused (1013).</summary>
    public long MaxDecodePixels { get; set; } = 4096L * 4096;
}

/// <summary>
/// How long a sandbox task of one family takes, in milliseconds: <c>BaseMs</c>, plus <c>PerOutputMs</c> for each result
/// after the first, plus <c>PerOutputSecondMs</c> per second of video or audio, plus <c>PerMegapixelMs</c> per million
/// output pixels of an image result.
/// </summary>
public sealed class SandboxLatency
{
    public int BaseMs { get; set; }
    public int PerOutputMs { get; set; }
    public int PerOutputSecondMs { get; set; }
    public int PerMegapixelMs { get; set; }
}

public sealed class StoreOptions
{
    /// <summary>
    /// A PostgreSQL connection string (<c>Host=db;Database=runhub;Username=runhub;Password=...</c>): accounts, keys,
    /// the ledger and the queue live there, shared by every node. When empty, SQLite in the data folder.
    /// </summary>
    public string? Postgres { get; set; }
}
