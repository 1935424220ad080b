using RunHub.Wire;
using RunHub.Client;
using System.Diagnostics;
using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.Extensions.Options;
using RunHub.Api;
using RunHub.Catalog;
using RunHub.Engines;
using RunHub.Media;
using RunHub.Files;
using RunHub.Data;
using RunHub.Observability;

namespace RunHub.Tasks;

/// <summary>
/// Runs one claimed task to its end: fetch the inputs, run it on the model's backends (<see cref="EngineDispatcher"/>)
/// under the model's deadline, store the results, and record the outcome (which settles or releases the charge).
/// A task whose backends are all busy goes back to the queue for later; one the caller cancels is stopped and ends
/// CANCEL. A task this worker lost its lease on, or that was interrupted by shutdown, is left for another worker.
/// </summary>
public sealed class TaskRunner(
    TaskQueue queue,
    ModelCatalog catalog,
    EngineDispatcher dispatcher,
    InputFetcher fetcher,
    IFileStore files,
    IOptions<RunHubOptions> options,
    ILogger<TaskRunner> logger)
{
    /// <summary>Backend usage reports larger than this are not kept (they are the operator's notes, not results).</summary>
    private const int MaxBackendUsageChars = 64 * 1024;

    /// <summary>How often a running task's lease is renewed — which is also how soon its worker sees a cancel.</summary>
    public static TimeSpan RenewalInterval(TimeSpan lease) => lease / 3 < TimeSpan.FromSeconds(2) ? lease / 3 : TimeSpan.FromSeconds(2);

    public async Task RunAsync(TaskRecord task, string owner, CancellationToken stopping)
    {
        var lease = TimeSpan.FromSeconds(options.Value.Queue.LeaseSeconds);
        using var leaseLost = CancellationTokenSource.CreateLinkedTokenSource(stopping);
        using var cancelled = CancellationTokenSource.CreateLinkedTokenSource(leaseLost.Token);
        var renewal = RenewWhileRunningAsync(task, owner, lease, leaseLost, cancelled);
        var progress = new ProgressWriter(queue, task.Id, owner, logger);
        using var scope = LogScope.Begin(logger, ("AccountId", task.AccountId), ("TaskId", task.Id));
        using var span = TaskTracing.StartRun(task);
        TaskMetrics.RecordStarted(task);
        try
        {
            Outcome outcome;
            try
            {
                // A task claimed again after its worker died may already have been asked to stop.
                outcome = task.CancelRequestedAt is not null ? Outcome.Cancelled : await ExecuteAsync(task, progress, cancelled.Token);
            }
            catch (OperationCanceledException) when (cancelled.IsCancellationRequested && !leaseLost.IsCancellationRequested)
            {
                outcome = Outcome.Cancelled;
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                logger.LogError(e, "Task {TaskId} failed unexpectedly", task.Id);
                outcome = Outcome.Failure(RunHubErrorCodes.InternalError, "internal error while running the task");
            }
            progress.Stop();
            Record(task, owner, outcome);
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
            progress.Stop();
            await leaseLost.CancelAsync();
            await renewal;
        }
    }

    private sealed record Outcome(string Kind, string? Results = null, string? Code = null, string? Message = null,
        string? PromptTips = null, string? BackendUsage = null, long AvailableAt = 0)
    {
        public static readonly Outcome Cancelled = new("cancel");

        public static Outcome Success(string results, string? usage) => new("success", Results: results, BackendUsage: usage);

        public static Outcome Failure(string code, string message, string? promptTips = null) =>
            new("failure", Code: code, Message: message, PromptTips: promptTips);

        public static Outcome Postponed(long availableAt, string message) => new("postponed", Message: message, AvailableAt: availableAt);
    }

    private void Record(TaskRecord task, string owner, Outcome outcome)
    {
        if (outcome.Kind == "postponed")
        {
            if (queue.Postpone(task, owner, outcome.AvailableAt))
                logger.LogInformation("Task {TaskId} back in the queue until {At:o}: {Message}", task.Id,
                    DateTimeOffset.FromUnixTimeMilliseconds(outcome.AvailableAt), outcome.Message);
            else
                logger.LogWarning("Task {TaskId} found its backends busy after its lease passed to another worker", task.Id);
            return;
        }
        var recorded = outcome.Kind switch
        {
            "success" => queue.Succeed(task, owner, outcome.Results!, outcome.BackendUsage),
            "cancel" => queue.EndCancelled(task, owner),
            _ => queue.Fail(task, owner, outcome.Code!, outcome.Message!, outcome.PromptTips),
        };
        if (recorded is not null) TaskMetrics.RecordFinished(task, recorded, catalog.Find(task.Endpoint)?.Engine?.Name, outcome.Code ?? "");
        if (recorded == TaskStatuses.Failed) Activity.Current.Failed(outcome.Code!, outcome.Message);
        if (recorded is null) logger.LogWarning("Task {TaskId} finished here after its lease passed to another worker; outcome dropped", task.Id);
        else if (recorded == TaskStatuses.Cancel) logger.LogInformation("Task {TaskId} cancelled at the caller's request", task.Id);
        else if (recorded == TaskStatuses.Failed) logger.LogInformation("Task {TaskId} failed: {Code} {Message}", task.Id, outcome.Code, outcome.Message);
    }

    private async Task<Outcome> ExecuteAsync(TaskRecord task, IProgress<EngineProgress> progress, CancellationToken cancellationToken)
    {
        var max = options.Value.Queue.MaxAttempts;
        if (task.Attempts > max)
            return Outcome.Failure(RunHubErrorCodes.InternalError, $"the task was started {max} times without finishing; giving up");
        var model = catalog.Find(task.Endpoint);
        if (model is null) return Outcome.Failure(RunHubErrorCodes.ServiceUnavailable, $"{task.Endpoint} is no longer in this server's catalog");

        using var parameters = JsonDocument.Parse(task.Parameters);
        var inputs = new List<MediaInput>();
        try
        {
            using var fetching = TaskTracing.StartStep("runhub.inputs.fetch", task.Id);
            foreach (var (reference, spec) in MediaReferences.Of(model, parameters.RootElement))
                inputs.Add(await fetcher.FetchAsync(reference, spec, cancellationToken));
        }
        catch (InputRejectedException e)
        {
            return Outcome.Failure(RunHubErrorCodes.InputNotReadable, e.Message);
        }

        var values = parameters.RootElement.EnumerateObject().ToDictionary(p => p.Name, p => p.Value.Clone());
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(model.Timeout);
        EngineOutput output;
        try
        {
            output = await dispatcher.RunAsync(new EngineJob(task.Id, model, values, inputs) { Progress = progress }, deadline.Token);
        }
        catch (OperationCanceledException) when (deadline.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            return Outcome.Failure(RunHubErrorCodes.TaskTimedOut, $"the task did not finish within its deadline of {model.Timeout.TotalSeconds:0} s");
        }
        catch (BackendsBusyException e)
        {
            return WaitForBackends(task, model, e);
        }
        catch (EngineException e)
        {
            return Outcome.Failure(e.ErrorCode, e.Message, e.NodeErrors is { } nodeErrors ? PromptTips.Refused(nodeErrors, e.Message) : null);
        }

        var usage = output.BackendUsage is { Length: <= MaxBackendUsageChars } u ? u : null;
        using var storing = TaskTracing.StartStep("runhub.results.store", task.Id);
        return Outcome.Success(await StoreAsync(output, cancellationToken), usage);
    }

    /// <summary>Back to the queue until a backend has room — but never past the model's deadline, counted from the first start.</summary>
    private static Outcome WaitForBackends(TaskRecord task, ModelEntry model, BackendsBusyException busy)
    {
        var now = Clock.NowMs();
        var availableAt = now + (long)Math.Ceiling(busy.RetryAfter.TotalMilliseconds);
        var gaveUpAt = (task.StartedAt ?? now) + (long)model.Timeout.TotalMilliseconds;
        return availableAt >= gaveUpAt
            ? Outcome.Failure(RunHubErrorCodes.TaskTimedOut, $"the task did not finish within its deadline of {model.Timeout.TotalSeconds:0} s: {busy.Message}")
            : Outcome.Postponed(availableAt, busy.Message);
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
        return JsonSerializer.Serialize(stored, WireJson.Options);
    }

    /// <summary>
    /// Renews the lease every <see cref="RenewalInterval"/> until the run ends; cancels the run when the lease is lost,
    /// and cancels the engine (but keeps the lease) when the caller asked to cancel the task.
    /// </summary>
    private async Task RenewWhileRunningAsync(TaskRecord task, string owner, TimeSpan lease, CancellationTokenSource leaseLost,
        CancellationTokenSource cancelled)
    {
        using var timer = new PeriodicTimer(RenewalInterval(lease));
        try
        {
            while (await timer.WaitForNextTickAsync(leaseLost.Token))
            {
                switch (queue.Renew(task.Id, owner, lease))
                {
                    case LeaseState.Held:
                        continue;
                    case LeaseState.CancelRequested:
                        if (!cancelled.IsCancellationRequested)
                        {
                            logger.LogInformation("Task {TaskId}: the caller asked to cancel it; stopping the engine", task.Id);
                            await cancelled.CancelAsync();
                        }
                        continue;
                    default:
                        await leaseLost.CancelAsync();
                        return;
                }
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
