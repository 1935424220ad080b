using RunHub.Client;
using RunHub.Api;
using Microsoft.Extensions.Options;
using RunHub.Catalog;
using RunHub.Media;

namespace RunHub.Engines.OpenAiImages;

/// <summary>
/// The <c>openai-images</c> engine: runs a task on an OpenAI-compatible images API — <c>POST /v1/images/edits</c>
/// (multipart) when the task has input images, <c>POST /v1/images/generations</c> (JSON) otherwise — and returns
/// the images of the answer with the backend's token <c>usage</c>. See docs/openai-images.md.
/// </summary>
/// <remarks>
/// The API key is read at run time from the environment variable (or configuration key) the settings name in
/// <c>apiKeyEnv</c>; it is sent only as the Bearer header of API requests and cut out of every message.
/// Cancelling the token aborts the HTTP request (the backend may still bill a request it already received).
/// </remarks>
public sealed class OpenAiImagesEngine : IEngine, IDisposable
{
    public const string EngineName = "openai-images";

    private readonly IConfiguration _configuration;
    private readonly ILogger<OpenAiImagesEngine> _logger;
    private readonly HttpClient _http;
    private readonly ImagesApiCaller _caller;
    private readonly ImagesResponseReader _reader;
    private readonly HttpDownloader _downloads;

    /// <param name="options">Its <c>Media</c> settings guard the downloads of image links (which networks they may reach).</param>
    public OpenAiImagesEngine(IConfiguration configuration, IOptions<RunHubOptions> options, ILogger<OpenAiImagesEngine> logger, TimeProvider? time = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        _configuration = configuration;
        _logger = logger;
        _http = new HttpClient(new SocketErrorWrappingHandler(new SocketsHttpHandler
        {
            PooledConnectionLifetime = TimeSpan.FromMinutes(5),
            ConnectTimeout = TimeSpan.FromSeconds(30),
            AutomaticDecompression = System.Net.DecompressionMethods.All,
            MaxAutomaticRedirections = 5,
        }))
        {
            // Each task's deadline bounds its requests; image edits can legitimately take minutes.
            Timeout = Timeout.InfiniteTimeSpan,
            DefaultRequestHeaders = { { "User-Agent", "RunHub-openai-images/1.0" } },
        };
        _caller = new ImagesApiCaller(_http, logger, time ?? TimeProvider.System);
        // The backend's API is the operator's configuration and is called directly; links in its answers are not.
        _downloads = new HttpDownloader(new NetworkPolicy(options.Value.Media), GuardedConnector.ResolveWithDns, options.Value.Media, time);
        _reader = new ImagesResponseReader(_downloads);
    }

    public string Name => EngineName;

    public async Task<EngineOutput> RunAsync(EngineJob job, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(job);
        cancellationToken.ThrowIfCancellationRequested();
        var settings = OpenAiImagesSettings.Read(job.Backend.Settings);
        var apiKey = ApiKey(settings);
        var request = ImagesRequest.For(job, settings);

        _logger.LogDebug("openai-images: task {TaskId}: {Path} on {Host}, model {Model}, {Images} input image(s)",
            job.TaskId, request.Path, settings.ApiRoot.Host, settings.Model, request.ImageCount);
        job.Progress.Report(new EngineProgress(Percent: 0, Node: request.Path, QueuePosition: 0));

        using var response = await _caller.SendAsync(request, settings, apiKey, job.TaskId, cancellationToken);
        var output = await _reader.ReadAsync(response, settings, cancellationToken);
        job.Progress.Report(new EngineProgress(Percent: 100, Node: request.Path, QueuePosition: 0));
        return output;
    }

    /// <summary>
    /// Reachable is healthy: any HTTP answer below 500 to <c>GET /v1/models</c> (which costs nothing) within five
    /// seconds. A refused key is not a dead server; the task that uses it fails with a clear message instead.
    /// </summary>
    public async Task<bool> IsHealthyAsync(EngineBinding backend, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(backend);
        OpenAiImagesSettings settings;
        try
        {
            settings = OpenAiImagesSettings.Read(backend.Settings);
        }
        catch (EngineException)
        {
            return false;
        }
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(5));
        try
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, settings.Endpoint("models"));
            if (TryApiKey(settings) is { } key) request.Headers.Authorization = new("Bearer", key);
            using var response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token);
            return (int)response.StatusCode < 500;
        }
        catch (HttpRequestException)
        {
            return false;
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return false;
        }
    }

    /// <summary>The settings must read; the API key is looked up only when a task runs (it may be set later).</summary>
    public string? CheckBackend(ModelEntry model, EngineBinding backend)
    {
        ArgumentNullException.ThrowIfNull(backend);
        try
        {
            OpenAiImagesSettings.Read(backend.Settings);
            return null;
        }
        catch (EngineException e)
        {
            return e.Message;
        }
    }

    private string? ApiKey(OpenAiImagesSettings settings)
    {
        if (settings.ApiKeyEnv is null) return null;
        return TryApiKey(settings) ?? throw new EngineException(RunHubErrorCodes.UpstreamError,
            $"openai-images: no API key: the environment variable {settings.ApiKeyEnv} (named by the backend's apiKeyEnv setting) is not set");
    }

    private string? TryApiKey(OpenAiImagesSettings settings) =>
        settings.ApiKeyEnv is not { } name ? null
        : Environment.GetEnvironmentVariable(name) is { Length: > 0 } fromEnvironment ? fromEnvironment.Trim()
        : _configuration[name] is { Length: > 0 } fromConfiguration ? fromConfiguration.Trim()
        : null;

    public void Dispose()
    {
        _http.Dispose();
        _downloads.Dispose();
    }
}
