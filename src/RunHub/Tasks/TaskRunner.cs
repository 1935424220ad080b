using RunHub.Wire;
using RunHub.Client;
using System.Diagnostics;
using System.Text.Json;
using Microsoft.Extensions.Options;
using RunHub.Api;
using RunHub.Catalog;
using RunHub.Engines;
using RunHub.Media;
using RunHub.Files;
using RunHub.Data;
using RunHub.Observability;
using RunHub.Workflows;

namespace RunHub.Tasks;

/// <summary>
/// Runs one claimed task to its end: fetch the inputs, run it on the model's backends (<see cref="EngineDispatcher"/>)
/// under the model's deadline, store the results, and record the outcome through the task's lease (which settles or
/// releases the charge). A task whose backends are all busy goes back to the queue for later; one the caller cancels
/// is stopped and ends CANCEL; an unexpected exception anywhere in the run ends it FAILED (1005) with a refund rather
/// than leaving it to run again. A run that lost its lease is cancelled and records nothing; one interrupted by
/// shutdown hands its task back.
/// </summary>
public sealed class TaskRunner(
    ModelCatalog catalog,
    EngineDispatcher dispatcher,
    InputFetcher fetcher,
    WorkflowJobs workflows,
    FailedFetches failedFetches,
    IFileStore files,
    IOptions<RunHubOptions> options,
    TimeProvider clock,
    ILogger<TaskRunner> logger)
{
    /// <summary>Backend usage reports larger than this are not kept (they are the operator's notes, not results).</summary>
    private const int MaxBackendUsageChars = 64 * 1024;

    /// <summary>How often a running task's lease is renewed — which is also how soon its worker sees a cancel.</summary>
    public static TimeSpan RenewalInterval(TimeSpan lease) => lease / 3 < TimeSpan.FromSeconds(2) ? lease / 3 : TimeSpan.FromSeconds(2);

    /// <summary>Runs the task of <paramref name="lease"/> to its recorded end; returns when nothing more will be written.</summary>
    /// <param name="stopping">This node is stopping: the run is cancelled and the task handed back to the queue.</param>
    /// <param name="slot">The worker loop's engine slot, held on entry: given up while the inputs are fetched and taken
    /// again before the engine runs. Without one, the task runs without slot accounting.</param>
    public async Task RunAsync(TaskLease lease, CancellationToken stopping, EngineSlot? slot = null)
    {
        var task = lease.Task;
        using var leaseLost = CancellationTokenSource.CreateLinkedTokenSource(stopping);
        using var cancelled = CancellationTokenSource.CreateLinkedTokenSource(leaseLost.Token);
        var renewal = RenewWhileRunningAsync(lease, leaseLost, cancelled);
        var progress = new ProgressWriter(lease, clock, logger);
        using var scope = LogScope.Begin(logger, ("AccountId", task.AccountId), ("TaskId", task.Id));
        using var span = TaskTracing.StartRun(task);
        TaskMetrics.RecordStarted(task);
        try
        {
            RunOutcome outcome;
            try
            {
                // A task claimed again after its worker died may already have been asked to stop.
                outcome = task.CancelRequestedAt is not null ? new RunOutcome.Cancelled() : await ExecuteAsync(task, progress, slot, cancelled.Token);
            }
            catch (OperationCanceledException) when (leaseLost.IsCancellationRequested)
            {
                throw; // stopping or lease lost: handled below, nothing is recorded as the task's end
            }
            catch (OperationCanceledException) when (cancelled.IsCancellationRequested)
            {
                outcome = new RunOutcome.Cancelled();
            }
            catch (Exception e)
            {
                // Includes cancellations none of ours asked for (an SDK's own timeout): a re-run would only repeat them.
                logger.LogError(e, "Task {TaskId} failed unexpectedly", task.Id);
                outcome = new RunOutcome.Failed(RunHubErrorCodes.InternalError, "internal error while running the task");
            }
            progress.Stop();
            await RecordAsync(lease, outcome, leaseLost.Token);
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
            if (await lease.HandBackAsync())
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

    /// <summary>
    /// Records the outcome. The database may be briefly unreachable: the write is tried again while the lease is held
    /// (the renewals keep it), so a finished run is not silently run again when its lease would lapse.
    /// </summary>
    private async Task RecordAsync(TaskLease lease, RunOutcome outcome, CancellationToken leaseLost)
    {
        var task = lease.Task;
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await RecordOnceAsync(lease, outcome);
                return;
            }
            catch (Exception e) when (e is not OperationCanceledException && attempt < 5)
            {
                logger.LogWarning(e, "Recording the end of task {TaskId} failed (try {Attempt}); trying again", task.Id, attempt);
                await Task.Delay(RenewalInterval(lease.Duration), clock, leaseLost);
            }
        }
    }

    private async Task RecordOnceAsync(TaskLease lease, RunOutcome outcome)
    {
        var task = lease.Task;
        if (outcome is RunOutcome.Postponed postponed)
        {
            if (await lease.PostponeAsync(postponed.AvailableAtMs))
                logger.LogInformation("Task {TaskId} back in the queue until {At:o}: {Message}", task.Id,
                    DateTimeOffset.FromUnixTimeMilliseconds(postponed.AvailableAtMs), postponed.Reason);
            else
                logger.LogWarning("Task {TaskId} found its backends busy after its lease passed to another worker", task.Id);
            return;
        }
        var recorded = await lease.FinishAsync(outcome);
        if (outcome is RunOutcome.Succeeded succeeded && recorded != TaskStatuses.Success) await DiscardUnrecordedAsync(lease, recorded, succeeded.ResultsJson);
        var failure = outcome as RunOutcome.Failed;
        var engine = WorkflowTasks.IsWorkflowTask(task.Endpoint) ? Engines.ComfyUi.ComfyUiEngine.EngineName : catalog.Find(task.Endpoint)?.Engine?.Name;
        if (recorded is not null) TaskMetrics.RecordFinished(task, recorded, engine, failure?.ErrorCode ?? "");
        if (recorded == TaskStatuses.Failed && failure is not null) Activity.Current.Failed(failure.ErrorCode, failure.ErrorMessage);
        if (recorded is null) logger.LogWarning("Task {TaskId} finished here after its lease passed to another worker; outcome dropped", task.Id);
        else if (recorded == TaskStatuses.Cancel) logger.LogInformation("Task {TaskId} cancelled at the caller's request", task.Id);
        else if (outcome is RunOutcome.Failed failed)
            logger.LogInformation("Task {TaskId} failed: {Code} {Message}", task.Id, failed.ErrorCode, failed.ErrorMessage);
    }

    private async Task<RunOutcome> ExecuteAsync(TaskRecord task, IProgress<EngineProgress> progress, EngineSlot? slot, CancellationToken cancellationToken)
    {
        var max = options.Value.Queue.MaxAttempts;
        if (task.Attempts > max)
            return new RunOutcome.Failed(RunHubErrorCodes.InternalError, $"the task was started {max} times without finishing; giving up");
        if (TaskDeadlines.MissedStart(task, options.Value.Queue) is { } late) return late;
        var (job, price, refusal) = await PrepareAsync(task, progress, slot, cancellationToken);
        if (job is null) return refusal!;

        // The run's deadline counts from the task's first start: a run again after a crash or a hand-back gets what is
        // left. It is on the one clock, so tests can move past it instead of waiting for it.
        var left = TaskDeadlines.RunTimeLeft(task, job.Model, clock);
        if (left <= TimeSpan.Zero) return TaskDeadlines.RunTimedOut(job.Model);
        using var timer = new CancellationTokenSource(left, clock);
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timer.Token);
        var ran = Stopwatch.StartNew();
        EngineOutput output;
        var running = dispatcher.RunAsync(job, deadline.Token);
        try
        {
            // Only the deadline stops waiting for the engine early: a cancel or a shutdown waits for it to stop the
            // backend's work, as a run always has.
            output = await running.WaitAsync(timer.Token);
        }
        catch (OperationCanceledException) when (timer.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            // The engine was told to stop: it interrupts or cancels the backend's work, which takes a call or two. It
            // gets a moment for that; an engine that does not stop is left behind, and the task ends all the same.
            await TaskDeadlines.LetStopAsync(running, clock);
            return TaskDeadlines.RunTimedOut(job.Model);
        }
        catch (BackendsBusyException e)
        {
            return WaitForBackends(task, job.Model, e);
        }
        catch (EngineException e)
        {
            return new RunOutcome.Failed(e.ErrorCode, e.Message, e.NodeErrors is { } nodeErrors ? PromptTips.Refused(nodeErrors, e.Message, e.ValidationError) : null, e.Failure);
        }

        var usage = output.BackendUsage is { Length: <= MaxBackendUsageChars } u ? u : null;
        // Billed by run time: what the backend measured, else this run's own time on it.
        var costMs = output.BackendMilliseconds ?? ran.ElapsedMilliseconds;
        using var storing = TaskTracing.StartStep("runhub.results.store", task.Id);
        return new RunOutcome.Succeeded(await StoreAsync(output, task.Id, cancellationToken), usage)
        {
            Bill = price is null ? null : new RunBill(price.ChargeFor(costMs), costMs),
        };
    }

    /// <summary>
    /// The job a task runs: a catalog model's, with its media parameters fetched, or a workflow's
    /// (<see cref="WorkflowJobs"/>, with the price it is billed by); or the failure that ends the task before any backend.
    /// </summary>
    /// <param name="slot">The engine slot of this worker, given up while inputs are fetched (fetching waits on other servers).</param>
    private async Task<(EngineJob? Job, WorkflowPrice? Price, RunOutcome? Refusal)> PrepareAsync(TaskRecord task, IProgress<EngineProgress> progress,
        EngineSlot? slot, CancellationToken cancellationToken)
    {
        if (WorkflowTasks.IsWorkflowTask(task.Endpoint))
        {
            WorkflowJobs.Prepared prepared;
            slot?.Leave();
            using (TaskTracing.StartStep("runhub.inputs.fetch", task.Id))
                prepared = await workflows.PrepareAsync(task, cancellationToken);
            if (prepared.Job is null)
            {
                if (prepared.Rejected is { } rejected) await RecordFailedFetchAsync(task, rejected);
                return (null, null, new RunOutcome.Failed(prepared.ErrorCode!, prepared.Error!));
            }
            if (slot is not null) await slot.EnterAsync(cancellationToken);
            return (prepared.Job with { Progress = progress }, prepared.Price, null);
        }

        var model = catalog.Find(task.Endpoint);
        if (model is null) return (null, null, new RunOutcome.Failed(RunHubErrorCodes.ServiceUnavailable, $"{task.Endpoint} is no longer in this server's catalog"));

        using var parameters = JsonDocument.Parse(task.Parameters);
        var references = MediaReferences.Of(model, parameters.RootElement);
        IReadOnlyList<MediaInput> inputs = [];
        if (references.Count > 0)
        {
            // Fetching waits on other servers, not on an engine: the slot goes to another task meanwhile.
            slot?.Leave();
            try
            {
                using var fetching = TaskTracing.StartStep("runhub.inputs.fetch", task.Id);
                inputs = await fetcher.FetchAllAsync(references, cancellationToken);
            }
            catch (InputRejectedException e)
            {
                await RecordFailedFetchAsync(task, e);
                return (null, null, new RunOutcome.Failed(RunHubErrorCodes.InputNotReadable, e.Message));
            }
            if (slot is not null) await slot.EnterAsync(cancellationToken);
        }
        var values = parameters.RootElement.EnumerateObject().ToDictionary(p => p.Name, p => p.Value.Clone());
        return (new EngineJob(task.Id, model, values, inputs) { Progress = progress }, null, null);
    }

    /// <summary>Notes what the failed fetch cost the account (never failing the task's outcome over it).</summary>
    private async Task RecordFailedFetchAsync(TaskRecord task, InputRejectedException rejected)
    {
        try
        {
            await failedFetches.RecordAsync(task.AccountId, task.Id, rejected.Cost ?? new FetchCost(0, 0), rejected.Message);
        }
        catch (Exception e) when (e is System.Data.Common.DbException or StoreUnavailableException)
        {
            logger.LogWarning(e, "Task {TaskId}: the cost of its failed fetch could not be recorded", task.Id);
        }
    }

    /// <summary>Back to the queue until a backend has room — but never past the model's deadline, counted from the first start.</summary>
    private RunOutcome WaitForBackends(TaskRecord task, ModelEntry model, BackendsBusyException busy)
    {
        var now = clock.NowMs();
        var availableAt = now + (long)Math.Ceiling(busy.RetryAfter.TotalMilliseconds);
        var gaveUpAt = (task.StartedAt ?? now) + (long)model.Timeout.TotalMilliseconds;
        return availableAt >= gaveUpAt ? TaskDeadlines.RunTimedOut(model, busy.Message) : new RunOutcome.Postponed(availableAt, busy.Message);
    }

    /// <summary>
    /// Stores a run's output files under a fresh folder and answers the task's <c>results</c> JSON. When a file cannot
    /// be stored, the ones stored before it are deleted (no task will name them) and the failure is thrown.
    /// </summary>
    private async Task<string> StoreAsync(EngineOutput output, string taskId, CancellationToken cancellationToken)
    {
        // A fresh random folder per run: a retried task never overwrites files a client may already hold.
        var folder = "results/" + RandomHex.Digits(32);
        var stored = new List<StoredResult>();
        try
        {
            for (var i = 0; i < output.Files.Count; i++)
            {
                var file = output.Files[i];
                // Engines pass on what their backends said (a ComfyUI output's file name); only a plain extension names a file here.
                var extension = FileKey.Extension(file.Extension) ?? "bin";
                if (file.Data is null)
                {
                    stored.Add(new StoredResult(null, extension, file.Text) { NodeId = file.NodeId });
                    continue;
                }
                var key = $"{folder}/{i}.{extension}";
                await files.PutAsync(key, file.Data, cancellationToken);
                stored.Add(new StoredResult(key, extension, file.Text) { NodeId = file.NodeId });
            }
        }
        catch
        {
            await DeleteResultsAsync(taskId, [.. stored.Where(r => r.Key is not null).Select(r => r.Key!)]);
            throw;
        }
        return JsonSerializer.Serialize(stored, WireJson.Options);
    }

    /// <summary>
    /// Deletes the result files a successful run stored that its task does not name: the caller's cancel came before
    /// the end was recorded (a CANCEL keeps no results), or the lease passed to another worker, whose run stores files of
    /// its own. When the lease was lost the task's row is read first: an end this run recorded on an earlier try of
    /// <see cref="RecordAsync"/> (whose answer was lost) keeps its files.
    /// </summary>
    private async Task DiscardUnrecordedAsync(TaskLease lease, string? recorded, string resultsJson)
    {
        var keys = StoredResult.KeysIn(resultsJson);
        if (keys.Count == 0) return;
        if (recorded is null && (await lease.ReadTaskAsync())?.Results is { } now && StoredResult.KeysIn(now).Contains(keys[0])) return;
        await DeleteResultsAsync(lease.Task.Id, keys);
    }

    /// <summary>Deletes result files no task names; a delete that fails is logged and left (the file stays orphaned).</summary>
    private async Task DeleteResultsAsync(string taskId, IReadOnlyList<string> keys)
    {
        foreach (var key in keys)
        {
            try
            {
                await files.DeleteAsync(key, CancellationToken.None);
            }
            catch (Exception e)
            {
                logger.LogWarning(e, "Task {TaskId}: the result file {Key}, which no task names, could not be deleted", taskId, key);
            }
        }
    }

    /// <summary>
    /// Renews the lease every <see cref="RenewalInterval"/> until the run ends; cancels the run when the lease is lost,
    /// and cancels the engine (but keeps the lease) when the caller asked to cancel the task.
    /// </summary>
    private async Task RenewWhileRunningAsync(TaskLease lease, CancellationTokenSource leaseLost, CancellationTokenSource cancelled)
    {
        var task = lease.Task;
        using var timer = new PeriodicTimer(RenewalInterval(lease.Duration), clock);
        try
        {
            while (await timer.WaitForNextTickAsync(leaseLost.Token))
            {
                switch (await lease.RenewAsync(leaseLost.Token))
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
                        logger.LogWarning("Task {TaskId}: its lease was lost (claimed again elsewhere); stopping this run", task.Id);
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
