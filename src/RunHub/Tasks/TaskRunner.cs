using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.Extensions.Options;
using RunHub.Api;
using RunHub.Catalog;
using RunHub.Engines;
using RunHub.Media;
using RunHub.Storage;

namespace RunHub.Tasks;

/// <summary>
/// Runs one claimed task to its end: fetch the inputs, run the engine under the model's deadline, store the
/// results, and record the outcome (which settles or releases the charge). A task this worker lost its lease on,
/// or that was interrupted by shutdown, is left for another worker instead.
/// </summary>
public sealed class TaskRunner(
    TaskQueue queue,
    ModelCatalog catalog,
    EngineRegistry engines,
    InputFetcher fetcher,
    IFileStore files,
    IOptions<RunHubOptions> options,
    ILogger<TaskRunner> logger)
{
    public async Task RunAsync(TaskRecord task, string owner, CancellationToken stopping)
    {
        var lease = TimeSpan.FromSeconds(options.Value.Queue.LeaseSeconds);
        using var leaseLost = CancellationTokenSource.CreateLinkedTokenSource(stopping);
        var renewal = RenewWhileRunningAsync(task, owner, lease, leaseLost);
        try
        {
            Outcome outcome;
            try
            {
                outcome = await ExecuteAsync(task, leaseLost.Token);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                logger.LogError(e, "Task {TaskId} failed unexpectedly", task.Id);
                outcome = Failure(ErrorCodes.Internal, "internal error while running the task");
            }
            var recorded = outcome.Error is null
                ? queue.Succeed(task, owner, outcome.Results!)
                : queue.Fail(task, owner, outcome.Error.Value.Code, outcome.Error.Value.Message);
            if (!recorded) logger.LogWarning("Task {TaskId} finished here after its lease passed to another worker; outcome dropped", task.Id);
            else if (outcome.Error is { } error) logger.LogInformation("Task {TaskId} failed: {Code} {Message}", task.Id, error.Code, error.Message);
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
            queue.Requeue(task, owner);
            logger.LogInformation("Task {TaskId} handed back to the queue: this node is stopping", task.Id);
        }
        catch (OperationCanceledException) when (leaseLost.IsCancellationRequested)
        {
            logger.LogWarning("Task {TaskId} abandoned: its lease was lost", task.Id);
        }
        finally
        {
            await leaseLost.CancelAsync();
            await renewal;
        }
    }

    private readonly record struct Outcome(string? Results, (string Code, string Message)? Error);

    private async Task<Outcome> ExecuteAsync(TaskRecord task, CancellationToken cancellationToken)
    {
        var max = options.Value.Queue.MaxAttempts;
        if (task.Attempts > max)
            return Failure(ErrorCodes.Internal, $"the task was started {max} times without finishing; giving up");
        var model = catalog.Find(task.Endpoint);
        if (model is null) return Failure(ErrorCodes.ServiceUnavailable, $"{task.Endpoint} is no longer in this server's catalog");
        var backend = model.Engines.FirstOrDefault(b => engines.Find(b.Name) is not null);
        var engine = engines.Find(backend?.Name);
        if (engine is null || backend is null) return Failure(ErrorCodes.ServiceUnavailable, $"no engine on this server can serve {model.Endpoint}");

        using var parameters = JsonDocument.Parse(task.Parameters);
        var inputs = new List<MediaInput>();
        try
        {
            foreach (var (reference, spec) in MediaReferences.Of(model, parameters.RootElement))
                inputs.Add(await fetcher.FetchAsync(reference, spec, cancellationToken));
        }
        catch (InputRejectedException e)
        {
            return Failure(ErrorCodes.InputUnreadable, e.Message);
        }

        var values = parameters.RootElement.EnumerateObject().ToDictionary(p => p.Name, p => p.Value.Clone());
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(model.Timeout);
        EngineOutput output;
        try
        {
            output = await engine.RunAsync(new EngineJob(task.Id, model, values, inputs) { Backend = backend }, deadline.Token);
        }
        catch (OperationCanceledException) when (deadline.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            return Failure(ErrorCodes.TimedOut, $"the task did not finish within its deadline of {model.Timeout.TotalSeconds:0} s");
        }
        catch (EngineException e)
        {
            return Failure(e.ErrorCode, e.Message);
        }

        return new Outcome(await StoreAsync(output, cancellationToken), null);
    }

    private async Task<string> StoreAsync(EngineOutput output, CancellationToken cancellationToken)
    {
        // A fresh random folder per run: a retried task never overwrites files a client may already hold.
        var folder = "results/" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
        var stored = new List<StoredResult>();
        for (var i = 0; i < output.Files.Count; i++)
        {
            var file = output.Files[i];
            if (file.Data is null)
            {
                stored.Add(new StoredResult(null, file.Extension, file.Text));
                continue;
            }
            var key = $"{folder}/{i}.{file.Extension}";
            await files.PutAsync(key, file.Data, cancellationToken);
            stored.Add(new StoredResult(key, file.Extension, file.Text));
        }
        return JsonSerializer.Serialize(stored, JsonOptions.Wire);
    }

    private static Outcome Failure(string code, string message) => new(null, (code, message));

    /// <summary>Renews the lease every third of its length until the run ends; cancels the run when the lease is lost.</summary>
    private async Task RenewWhileRunningAsync(TaskRecord task, string owner, TimeSpan lease, CancellationTokenSource leaseLost)
    {
        using var timer = new PeriodicTimer(lease / 3);
        try
        {
            while (await timer.WaitForNextTickAsync(leaseLost.Token))
            {
                if (queue.Renew(task.Id, owner, lease)) continue;
                await leaseLost.CancelAsync();
                return;
            }
        }
        catch (OperationCanceledException)
        {
            // The run ended (or the node is stopping); nothing more to renew.
        }
        catch (Exception e)
        {
            // Without a renewable lease another worker may take the task, so stop rather than run it twice at once.
            logger.LogError(e, "Lease renewal of task {TaskId} failed", task.Id);
            await leaseLost.CancelAsync();
        }
    }
}
