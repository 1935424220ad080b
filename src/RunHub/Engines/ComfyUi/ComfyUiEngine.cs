using RunHub.Client;
using System.Security.Cryptography;
using Microsoft.Extensions.Options;
using RunHub.Api;
using RunHub.Catalog;
using RunHub.Media;

namespace RunHub.Engines.ComfyUi;

/// <summary>
/// The <c>comfyui</c> engine: runs a model as a ComfyUI workflow (API format) on one ComfyUI server per attempt.
/// Inputs are uploaded (<c>POST /upload/image</c>), the bindings fill the workflow in, <c>POST /prompt</c> queues
/// it, <see cref="PromptWatcher"/> follows it, and each saved file is fetched with <c>GET /view</c>. Cancelling
/// (deadline, user, shutdown) interrupts the prompt if it runs and drops it if it waits.
/// </summary>
public sealed class ComfyUiEngine(IOptions<RunHubOptions> options, ILogger<ComfyUiEngine> logger) : IEngine, IDisposable
{
    public const string EngineName = "comfyui";
    private static readonly TimeSpan StopTimeout = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan HealthTimeout = TimeSpan.FromSeconds(5);

    private readonly HttpClient _http = new(new SocketsHttpHandler
    {
        ConnectTimeout = TimeSpan.FromSeconds(10),
        PooledConnectionLifetime = TimeSpan.FromMinutes(5),
        AllowAutoRedirect = false,
    }) { Timeout = Timeout.InfiniteTimeSpan };
    private readonly WorkflowTemplates _templates = new();

    public string Name => EngineName;

    public async Task<EngineOutput> RunAsync(EngineJob job, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(job);
        var settings = Settings(job.Backend, job.Model);
        WorkflowGraph graph;
        try
        {
            graph = _templates.Load(Path.Combine(ModelCatalog.DirectoryOf(options.Value), settings.Workflow)).Clone();
        }
        catch (WorkflowException e)
        {
            throw Misconfigured(job.Model, e.Message);
        }

        var server = new ComfyUiServer(_http, settings);
        var uploaded = await UploadInputsAsync(server, settings, job, cancellationToken);
        try
        {
            BindingApplier.Apply(graph, settings.Bindings, job, uploaded);
        }
        catch (WorkflowException e)
        {
            throw Misconfigured(job.Model, e.Message);
        }

        var clientId = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
        var promptId = Guid.NewGuid().ToString("D");
        await using var socket = await PromptSocket.TryConnectAsync(settings.Server, clientId, server.ApiKey(),
            TimeSpan.FromSeconds(Math.Min(10, settings.RequestTimeout.TotalSeconds)), cancellationToken);
        if (socket is null) logger.LogInformation("No /ws from ComfyUI at {Server}; following prompt {PromptId} by polling", settings.Server, promptId);

        HistoryEntry entry;
        try
        {
            // Inside the try: a submit that timed out or was cancelled may still have queued the prompt.
            await server.SubmitAsync(graph.ToJson(), clientId, promptId, cancellationToken);
            entry = await new PromptWatcher(server, settings, graph, promptId, job.Progress).WaitAsync(socket, cancellationToken);
        }
        catch (Exception e) when (e is OperationCanceledException || e is EngineException { Retryable: true })
        {
            // Whoever gave up on the prompt (caller, deadline, or a lost server), nobody will read its result.
            await StopQuietlyAsync(server, promptId);
            throw;
        }

        if (!entry.Succeeded) throw ComfyUiFailures.Execution(entry.Failure!);
        return new EngineOutput(await FetchOutputsAsync(server, settings, entry, cancellationToken));
    }

    public async Task<bool> IsHealthyAsync(EngineBinding backend, CancellationToken cancellationToken)
    {
        ComfyUiSettings settings;
        try
        {
            settings = ComfyUiSettings.Read(backend);
        }
        catch (CatalogFormatException)
        {
            return false;
        }
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        limit.CancelAfter(HealthTimeout);
        try
        {
            return await new ComfyUiServer(_http, settings with { RequestTimeout = HealthTimeout }).AnswersAsync(limit.Token);
        }
        catch (Exception e) when (e is EngineException or OperationCanceledException && !cancellationToken.IsCancellationRequested)
        {
            return false;
        }
    }

    public void Dispose() => _http.Dispose();

    /// <summary>The settings must read and the workflow file must load (a file edited later is read again when it changes).</summary>
    public string? CheckBackend(ModelEntry model, EngineBinding backend)
    {
        ArgumentNullException.ThrowIfNull(backend);
        try
        {
            var settings = ComfyUiSettings.Read(backend);
            _templates.Load(Path.Combine(ModelCatalog.DirectoryOf(options.Value), settings.Workflow));
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

    private static ComfyUiSettings Settings(EngineBinding backend, ModelEntry model)
    {
        try
        {
            return ComfyUiSettings.Read(backend);
        }
        catch (CatalogFormatException e)
        {
            throw Misconfigured(model, e.Message);
        }
    }

    /// <summary>A catalog mistake: no server of the pool can do better, and the operator must read why.</summary>
    private static EngineException Misconfigured(ModelEntry model, string problem) =>
        new(RunHubErrorCodes.ServiceUnavailable, $"the comfyui engine of {model.Endpoint} is misconfigured: {problem}");

    /// <summary>Uploads each media input a binding names, once, under a name made from its content.</summary>
    private static async Task<Dictionary<(string, int), string>> UploadInputsAsync(ComfyUiServer server, ComfyUiSettings settings, EngineJob job, CancellationToken cancellationToken)
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

    private static async Task<IReadOnlyList<OutputFile>> FetchOutputsAsync(ComfyUiServer server, ComfyUiSettings settings, HistoryEntry entry, CancellationToken cancellationToken)
    {
        var chosen = settings.OutputNodes.Count > 0
            ? settings.OutputNodes.SelectMany(node => entry.Outputs.Where(o => o.NodeId == node)).ToList()
            : entry.Outputs.Where(o => o.Type == "output").ToList() is { Count: > 0 } saved ? saved : entry.Outputs.ToList();
        if (chosen.Count == 0)
            throw new EngineException(RunHubErrorCodes.GenerationFailed, "the ComfyUI workflow finished without saving a file (it needs a SaveImage-like node, or settings.outputNodes names the wrong nodes)");

        var files = new List<OutputFile>();
        long total = 0;
        foreach (var output in chosen)
        {
            var data = await server.ViewAsync(output, settings.MaxOutputBytes, cancellationToken);
            total += data.Length;
            if (total > settings.MaxTotalOutputBytes)
                throw new EngineException(RunHubErrorCodes.UpstreamError,
                    $"ComfyUI outputs of this task pass the limit of {settings.MaxTotalOutputBytes / (1024 * 1024)} MB (settings.maxTotalOutputMb)");
            files.Add(new OutputFile(output.Extension, data));
        }
        return files;
    }

    private async Task StopQuietlyAsync(ComfyUiServer server, string promptId)
    {
        using var limit = new CancellationTokenSource(StopTimeout);
        try
        {
            await server.StopAsync(promptId, limit.Token);
        }
        catch (Exception e) when (e is EngineException or OperationCanceledException)
        {
            logger.LogInformation("Could not stop prompt {PromptId} on ComfyUI at {Server}: {Reason}", promptId, server.BaseUrl, e.Message);
        }
    }
}
