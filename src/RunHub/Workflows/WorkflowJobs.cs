using System.Text.Json;
using Microsoft.Extensions.Options;
using RunHub.Catalog;
using RunHub.Client;
using RunHub.Engines;
using RunHub.Engines.ComfyUi;
using RunHub.Media;
using RunHub.Tasks;

namespace RunHub.Workflows;

/// <summary>
/// Turns a claimed workflow or AI-app task into the job the comfyui engine runs: the registered graph (or the caller's
/// own) with the checked values set, and every media input fetched — an upload from RunHub's storage, a URL through the
/// SSRF guard — to be uploaded to the ComfyUI server as that node's file.
/// </summary>
public sealed class WorkflowJobs(WorkflowCatalog catalog, InputFetcher fetcher, IOptions<RunHubOptions> options, TimeProvider time)
{
    /// <summary>A job to run, or why the task fails before it reaches a backend (<paramref name="Rejected"/>: an input that could not be fetched, with what the fetch cost).</summary>
    public sealed record Prepared(EngineJob? Job, WorkflowPrice? Price, string? ErrorCode = null, string? Error = null, InputRejectedException? Rejected = null);

    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public async Task<Prepared> PrepareAsync(TaskRecord task, CancellationToken cancellationToken)
    {
        WorkflowTaskParameters parameters;
        try
        {
            parameters = WorkflowTaskParameters.Parse(task.Parameters);
        }
        catch (JsonException e)
        {
            return Failed(RunHubErrorCodes.InternalError, $"the task's stored workflow request cannot be read: {e.Message}");
        }
        if (catalog.FindWorkflow(parameters.WorkflowId) is not { } workflow)
            return Failed(RunHubErrorCodes.ServiceUnavailable, $"workflow {parameters.WorkflowId} is no longer registered on this server");

        WorkflowGraph graph;
        try
        {
            graph = parameters.Workflow is { } own ? WorkflowGraph.Parse(own, "the caller's workflow") : workflow.Graph.Clone();
            foreach (var value in parameters.Values) graph.Set(new NodeInput(value.NodeId, value.FieldName), value.Value);
        }
        catch (WorkflowException e)
        {
            return Failed(RunHubErrorCodes.ServiceUnavailable, $"workflow {workflow.WorkflowId} no longer fits the task: {e.Message}");
        }

        var inputs = new List<MediaInput>();
        var meter = new TransferMeter();
        var started = time.GetTimestamp();
        // One deadline for all of the task's inputs, as for a model's (InputFetcher.FetchAllAsync).
        var seconds = options.Value.Media.TaskFetchSeconds;
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(seconds), time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, deadline.Token);
        try
        {
            foreach (var media in parameters.Media)
            {
                var key = $"{media.NodeId}.{media.FieldName}";
                var spec = new ParameterSpec { FieldKey = key, Type = media.Type, MaxSizeMb = options.Value.Media.MaxUploadMb };
                inputs.Add(media.IsStoredFile
                    ? await fetcher.FetchStoredAsync(key, media.Source, spec, linked.Token)
                    : await fetcher.FetchAsync(new MediaReference(key, 0, media.Source), spec, linked.Token, meter));
            }
        }
        catch (OperationCanceledException e) when (deadline.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            var message = $"the task's inputs were not all fetched within {seconds.ToString("0.##", System.Globalization.CultureInfo.InvariantCulture)} s ({inputs.Count} of {parameters.Media.Count} done)";
            return new Prepared(null, null, RunHubErrorCodes.InputNotReadable, message, new InputRejectedException(message, e)
            {
                Cost = new FetchCost((long)time.GetElapsedTime(started).TotalMilliseconds, meter.Bytes),
            });
        }
        catch (InputRejectedException e)
        {
            var measured = e.Cost is null ? new InputRejectedException(e.Message, e.InnerException)
            {
                Cost = new FetchCost((long)time.GetElapsedTime(started).TotalMilliseconds, meter.Bytes),
            } : e;
            return new Prepared(null, null, RunHubErrorCodes.InputNotReadable, e.Message, measured);
        }

        var model = workflow.AsModel() with { Timeout = TimeSpan.FromSeconds(parameters.MaxSeconds) };
        var job = new EngineJob(task.Id, model, new Dictionary<string, JsonElement>(), inputs) { Workflow = graph.ToJson() };
        return new Prepared(job, parameters.Price);
    }

    private static Prepared Failed(string code, string message) => new(null, null, code, message);
}
