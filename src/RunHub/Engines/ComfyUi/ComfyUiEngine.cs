using RunHub.Client;
using System.Security.Cryptography;
using Microsoft.Extensions.Options;
using RunHub.Catalog;
using RunHub.Media;

namespace RunHub.Engines.ComfyUi;

/// <summary>
/// The <c>comfyui</c> engine: runs a task as a ComfyUI workflow (API format) on one ComfyUI server per attempt. The
/// graph is the catalog model's workflow file filled in by its bindings, or — for workflow and AI-app tasks — the
/// whole graph the task brings (<see cref="EngineJob.Workflow"/>). Inputs are uploaded (<c>POST /upload/image</c>),
/// <see cref="PromptRun"/> queues, follows and collects the prompt. A server must run a supported ComfyUI release
/// (<see cref="ComfyUiVersion"/>), checked before its first task and by every health probe.
/// </summary>
public sealed class ComfyUiEngine : IEngine, IDisposable
{
    public const string EngineName = "comfyui";
    private static readonly TimeSpan HealthTimeout = TimeSpan.FromSeconds(5);

    private readonly IOptions<RunHubOptions> _options;
    private readonly ILogger<ComfyUiEngine> _logger;
    private readonly ServerVersions _versions;
    private readonly WorkflowTemplates _templates = new();
    private readonly HttpClient _http = new(new SocketErrorWrappingHandler(new SocketsHttpHandler
    {
        ConnectTimeout = TimeSpan.FromSeconds(10),
        PooledConnectionLifetime = TimeSpan.FromMinutes(5),
        AllowAutoRedirect = false,
    })) { Timeout = Timeout.InfiniteTimeSpan };

    public ComfyUiEngine(IOptions<RunHubOptions> options, ILogger<ComfyUiEngine> logger, TimeProvider? time = null)
    {
        _options = options;
        _logger = logger;
        _versions = new ServerVersions(time ?? TimeProvider.System);
    }

    public string Name => EngineName;

    public async Task<EngineOutput> RunAsync(EngineJob job, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(job);
        var settings = Settings(job);
        var graph = job.Workflow is { } workflow ? Graph(job.Model, () => WorkflowGraph.Parse(workflow, "the task's workflow")) : Template(job, settings);

        var server = new ComfyUiServer(_http, settings);
        await _versions.EnsureSupportedAsync(server, cancellationToken);
        if (job.Workflow is null)
        {
            var uploaded = await UploadBoundInputsAsync(server, settings, job, cancellationToken);
            Graph(job.Model, () => { BindingApplier.Apply(graph, settings.Bindings, job, uploaded); return graph; });
        }
        else
        {
            // A workflow task's media inputs are named by the node input they go into ("10.image").
            foreach (var input in job.Inputs)
            {
                var target = NodeInput.Parse(input.FieldKey) ?? throw Misconfigured(job.Model, $"input {input.FieldKey} names no node input");
                var name = await server.UploadAsync(input.Data, FileName(input), input.ContentType, cancellationToken);
                Graph(job.Model, () => { graph.Set(target, System.Text.Json.Nodes.JsonValue.Create(name)); return graph; });
            }
        }
        return await new PromptRun(server, settings, graph, job.Progress, _logger).RunAsync(cancellationToken);
    }

    /// <summary>The server answers <c>/system_stats</c> and runs a supported ComfyUI release (else the reason is logged).</summary>
    public async Task<bool> IsHealthyAsync(EngineBinding backend, CancellationToken cancellationToken)
    {
        ComfyUiSettings settings;
        try
        {
            settings = ComfyUiSettings.Read(backend, withWorkflow: false);
        }
        catch (CatalogFormatException)
        {
            return false;
        }
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        limit.CancelAfter(HealthTimeout);
        try
        {
            var problem = await _versions.CheckAsync(new ComfyUiServer(_http, settings with { RequestTimeout = HealthTimeout }), limit.Token);
            if (problem is null) return true;
            _logger.LogWarning("Health check refused a server: {Problem}", problem);
            return false;
        }
        catch (Exception e) when (e is EngineException or OperationCanceledException && !cancellationToken.IsCancellationRequested)
        {
            return false;
        }
    }

    public void Dispose() => _http.Dispose();

    /// <summary>A catalog model's settings must read and its workflow file must load (a file edited later is read again when it changes).</summary>
    public string? CheckBackend(ModelEntry model, EngineBinding backend)
    {
        ArgumentNullException.ThrowIfNull(backend);
        try
        {
            var settings = ComfyUiSettings.Read(backend);
            _templates.Load(Path.Combine(ModelCatalog.DirectoryOf(_options.Value), settings.Workflow));
            return null;
        }
        catch (CatalogFormatException e)
        {
            return e.Message;
        }
        catch (WorkflowException e)
        {
            return e.Message;
        }
    }

    private ComfyUiSettings Settings(EngineJob job)
    {
        try
        {
            return ComfyUiSettings.Read(job.Backend, withWorkflow: job.Workflow is null);
        }
        catch (CatalogFormatException e)
        {
            throw Misconfigured(job.Model, e.Message);
        }
    }

    private WorkflowGraph Template(EngineJob job, ComfyUiSettings settings) =>
        Graph(job.Model, () => _templates.Load(Path.Combine(ModelCatalog.DirectoryOf(_options.Value), settings.Workflow)).Clone());

    private static WorkflowGraph Graph(ModelEntry model, Func<WorkflowGraph> build)
    {
        try
        {
            return build();
        }
        catch (WorkflowException e)
        {
            throw Misconfigured(model, e.Message);
        }
    }

    /// <summary>A catalog mistake: no server of the pool can do better, and the operator must read why.</summary>
    private static EngineException Misconfigured(ModelEntry model, string problem) =>
        new(RunHubErrorCodes.ServiceUnavailable, $"the comfyui engine of {model.Endpoint} is misconfigured: {problem}");

    /// <summary>Uploads each media input a binding names, once, under a name made from its content.</summary>
    private static async Task<Dictionary<(string, int), string>> UploadBoundInputsAsync(ComfyUiServer server, ComfyUiSettings settings, EngineJob job, CancellationToken cancellationToken)
    {
        var uploaded = new Dictionary<(string, int), string>();
        foreach (var binding in settings.Bindings.Where(b => b.Param is not null && BindingApplier.IsMedia(job.Model, b.Param)))
        {
            var key = (binding.Param!, binding.Index ?? 0);
            if (uploaded.ContainsKey(key)) continue;
            var input = job.Inputs.FirstOrDefault(i => i.FieldKey == key.Item1 && i.Index == key.Item2);
            if (input is null) continue;
            uploaded[key] = await server.UploadAsync(input.Data, FileName(input), input.ContentType, cancellationToken);
        }
        return uploaded;
    }

    private static string FileName(MediaInput input)
    {
        var hash = Convert.ToHexStringLower(SHA256.HashData(input.Data))[..32];
        var extension = input.Format.ToLowerInvariant() switch
        {
            "jpg" or "jpeg" => "jpg",
            var format when format.All(char.IsAsciiLetterOrDigit) && format.Length is > 0 and <= 5 => format,
            _ => "bin",
        };
        return $"runhub-{hash}.{extension}";
    }
}
