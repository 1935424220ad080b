using System.Security.Cryptography;
using Microsoft.Extensions.Options;
using RunHub.Files;
using RunHub.Tasks;

namespace RunHub.Maintenance;

/// <summary>
/// The housekeeping that keeps the store within its promises, off the request and worker paths: queued tasks past
/// their start deadline fail with 1006 and a refund (<see cref="OverdueTasks"/>), and expired result files and
/// uploads are deleted (<see cref="FileRetention"/>). One run holds the cluster's <see cref="MaintenanceLease"/>
/// and takes batches until nothing is left; a node that does not get the lease does nothing.
/// </summary>
public sealed class MaintenanceJob(MaintenanceLease lease, OverdueTasks overdue, FileRetention retention,
    IOptions<RunHubOptions> options, ILogger<MaintenanceJob> logger)
{
    private TaskCompletionSource<MaintenanceRun> _nextRun = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>This job's name as the lease's owner (unique per process and job).</summary>
    public string Owner { get; } = Environment.MachineName + "-" + Environment.ProcessId + "-" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(4));

    /// <summary>Time between runs.</summary>
    public TimeSpan Interval => TimeSpan.FromSeconds(options.Value.Maintenance.IntervalSeconds);

    /// <summary>How long the lease is held between renewals: a node that dies mid-run blocks the job for at most this.</summary>
    private TimeSpan Hold => TimeSpan.FromMinutes(5) > Interval ? TimeSpan.FromMinutes(5) : Interval;

    /// <summary>Completes with the next run this job makes while holding the lease (for tests and tools).</summary>
    public Task<MaintenanceRun> NextRunAsync() => Volatile.Read(ref _nextRun).Task;

    /// <summary>
    /// Runs the job when this node gets the lease; null when another node holds it or ran it less than
    /// <see cref="Interval"/> ago.
    /// </summary>
    /// <exception cref="Exception">A database or store failure; the lease is released and the next run tries again.</exception>
    public async Task<MaintenanceRun?> RunOnceAsync(CancellationToken cancellationToken = default)
    {
        if (!await lease.TryTakeAsync(Owner, Hold, cancellationToken)) return null;
        var batch = options.Value.Maintenance.BatchSize;
        var run = new MaintenanceRun();
        try
        {
            run.OverdueTasks = await DrainAsync(ct => overdue.FailBatchAsync(batch, ct), batch, cancellationToken);
            run.ExpiredTasks = await DrainAsync(ct => retention.ExpireResultsAsync(batch, ct), batch, cancellationToken);
            run.ExpiredUploads = await DrainAsync(ct => retention.ExpireUploadsAsync(batch, ct), batch, cancellationToken);
            run.ExpiredInputs = await DrainAsync(ct => retention.ExpireInputsAsync(batch, ct), batch, cancellationToken);
        }
        finally
        {
            await lease.ReleaseAsync(Owner, Interval);
        }
        Interlocked.Exchange(ref _nextRun, new(TaskCreationOptions.RunContinuationsAsynchronously)).SetResult(run);
        return run;
    }

    /// <summary>Takes full batches until one comes back short, renewing the lease between them.</summary>
    private async Task<int> DrainAsync(Func<CancellationToken, Task<int>> step, int batch, CancellationToken cancellationToken)
    {
        var total = 0;
        while (true)
        {
            var done = await step(cancellationToken);
            total += done;
            if (done < batch) return total;
            if (!await lease.RenewAsync(Owner, Hold, cancellationToken))
            {
                logger.LogWarning("The maintenance lease passed to another node mid-run; stopping this run");
                return total;
            }
        }
    }
}

/// <summary>What one run of the maintenance job did.</summary>
public sealed class MaintenanceRun
{
    /// <summary>Queued tasks failed with 1006 for missing their start deadline.</summary>
    public int OverdueTasks { get; set; }

    /// <summary>Tasks whose result files were deleted.</summary>
    public int ExpiredTasks { get; set; }

    /// <summary>Uploads looked at for deletion (deleted unless uploaded again meanwhile).</summary>
    public int ExpiredUploads { get; set; }

    /// <summary>Inline inputs of ended tasks deleted (<c>task_inputs</c> rows, with the files of the large ones).</summary>
    public int ExpiredInputs { get; set; }
}
