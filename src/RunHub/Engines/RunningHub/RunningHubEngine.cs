using System.Text.Json;
using Microsoft.Extensions.Options;
using RunHub.Client;
using RunHub.Media;
using RunHub.Files;
using RunHub.Catalog;

namespace RunHub.Engines.RunningHub;

/// <summary>
/// The <c>runninghub</c> engine, the enterprise gateway: forwards a task to a real RunningHub site with the
/// operator's upstream key, over the same Standard Model API RunHub serves. Inputs the upstream cannot fetch
/// are uploaded there first; the task is submitted once, followed with <c>/openapi/v2/query</c>, and its result
/// files are downloaded so the runner stores them in RunHub before the upstream links expire.
/// </summary>
/// <remarks>
/// A submit is never sent twice for one attempt: RunningHub has no idempotency key, so a submit whose answer was
/// lost may have created (and charged) a task, and the attempt fails with 1012 instead. The upstream key is read
/// from the environment variable the settings name, at each task, and never written to logs or task records.
/// </remarks>
public sealed class RunningHubEngine : IEngine, IDisposable
{
    public const string EngineName = "runninghub";

    private readonly HttpClient _api;
    private readonly HttpDownloader _downloads;
    private readonly FileLinks _ownFiles;
    private readonly Func<string, string?> _environment;
    private readonly ILogger _logger;
    private readonly RunningHubEngineOptions _configured;

    public RunningHubEngine(IOptions<RunHubOptions> options, FileLinks ownFiles, ILogger<RunningHubEngine> logger)
        : this(options.Value, ownFiles, logger, Environment.GetEnvironmentVariable)
    {
    }

    internal RunningHubEngine(RunHubOptions options, FileLinks ownFiles, ILogger logger, Func<string, string?> environment)
    {
        // The upstream API is the operator's own configuration, so it is not held to the input fetch guard;
        // result URLs come from the upstream's answers and are (see UpstreamResults).
        _api = new HttpClient(new SocketErrorWrappingHandler(new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(5) })) { Timeout = System.Threading.Timeout.InfiniteTimeSpan };
        _downloads = new HttpDownloader(new NetworkPolicy(options.Media), GuardedConnector.ResolveWithDns, options.Media);
        _ownFiles = ownFiles;
        _environment = environment;
        _logger = logger;
        _configured = options.Engines.RunningHub;
    }

    public string Name => EngineName;

    /// <summary>Server and key variable must be named (by the backend or by configuration); the key itself is read per task.</summary>
    public string? CheckBackend(ModelEntry model, EngineBinding backend)
    {
        try
        {
            RunningHubSettings.From(backend, _configured);
            return null;
        }
        catch (EngineException e)
        {
            return e.Message;
        }
    }

    public async Task<EngineOutput> RunAsync(EngineJob job, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(job);
        var settings = RunningHubSettings.From(job.Backend, _configured);
        var apiKey = _environment(settings.ApiKeyEnv)?.Trim();
        if (string.IsNullOrEmpty(apiKey))
            throw new EngineException(RunHubErrorCodes.ServiceUnavailable, $"runninghub engine: the environment variable {settings.ApiKeyEnv}, which should hold the upstream API key, is not set");
        var failures = new UpstreamFailures(settings, apiKey);

        using var submits = Client(settings, apiKey, attempts: 1, settings.RequestTimeout);
        using var queries = Client(settings, apiKey, attempts: 1, settings.RequestTimeout);
        using var uploads = Client(settings, apiKey, attempts: 3, settings.DownloadTimeout);

        var body = await UploadLocalInputsAsync(job, settings, uploads, failures, cancellationToken).ConfigureAwait(false);
        var endpoint = settings.Endpoint ?? job.Model.Endpoint;
        RunHubTask submitted;
        try
        {
            submitted = await submits.SubmitAsync(endpoint, body, cancellationToken: cancellationToken).ConfigureAwait(false);
        }
        catch (RunHubException e)
        {
            throw failures.SubmitFailed(e);
        }
        _logger.LogInformation("Task {TaskId} forwarded to {Server} as upstream task {UpstreamTaskId} ({Endpoint})",
            job.TaskId, settings.Root, submitted.TaskId, endpoint);

        var poller = new UpstreamPoller(queries, settings, failures, job.Progress);
        RunHubTask done;
        try
        {
            done = await poller.WaitAsync(submitted, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception) when (!poller.Ended)
        {
            // Deadline, cancel, shutdown, or given up: the upstream task may still be running and costing.
            await UpstreamCancel.TryAsync(_api, settings, apiKey, submitted.TaskId, _logger).ConfigureAwait(false);
            throw;
        }

        var files = await new UpstreamResults(_downloads, settings, failures).DownloadAsync(done, cancellationToken).ConfigureAwait(false);
        return new EngineOutput(files) { BackendUsage = UsageOf(done) };
    }

    /// <summary>The submit body, with inputs the upstream cannot reach replaced by their upstream upload URLs.</summary>
    private async Task<System.Text.Json.Nodes.JsonObject> UploadLocalInputsAsync(EngineJob job, RunningHubSettings settings,
        RunHubClient uploads, UpstreamFailures failures, CancellationToken cancellationToken)
    {
        var replacements = new Dictionary<(string, int), string>();
        var uploadedBySource = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var input in job.Inputs.Where(i => UpstreamRequestBody.NeedsUpload(i, settings, _ownFiles)))
        {
            if (!uploadedBySource.TryGetValue(input.SourceUrl, out var url))
            {
                try
                {
                    using var content = new MemoryStream(input.Data, writable: false);
                    url = (await uploads.UploadAsync(content, UpstreamRequestBody.FileName(input), cancellationToken).ConfigureAwait(false)).DownloadUrl;
                }
                catch (RunHubException e)
                {
                    throw failures.UploadFailed(e);
                }
                uploadedBySource[input.SourceUrl] = url;
            }
            replacements[(input.FieldKey, input.Index)] = url;
        }
        return UpstreamRequestBody.Build(job.Parameters, replacements);
    }

    private RunHubClient Client(RunningHubSettings settings, string apiKey, int attempts, TimeSpan requestTimeout) =>
        new(new RunHubClientOptions
        {
            ApiKey = apiKey,
            BaseUrl = settings.ApiBase,
            MaxAttempts = attempts,
            RequestTimeout = requestTimeout,
            RetryBaseDelay = TimeSpan.FromMilliseconds(500),
            RetryMaxDelay = TimeSpan.FromSeconds(5),
            // RunningHub has no Idempotency-Key: a submit whose answer was lost is never sent again.
            ServerHonoursIdempotencyKeys = false,
        }, _api);

    /// <summary>The upstream's own usage report (what the upstream key was charged), kept as the backend's usage.</summary>
    private static string? UsageOf(RunHubTask task) =>
        task.Raw.ValueKind == JsonValueKind.Object && task.Raw.TryGetProperty("usage", out var usage) && usage.ValueKind == JsonValueKind.Object
            ? usage.GetRawText()
            : null;

    public void Dispose()
    {
        _api.Dispose();
        _downloads.Dispose();
    }
}
